/**
 * Events reach the matcher parsed (an object) or as JSON text. Text is parsed
 * keeping number texts, so a pattern number a double cannot carry
 * (`[12345678901234567890]`) still matches the same digits in the event.
 */
import { parseEventJson } from './eventJson.js';

export function toEventValue(event: unknown): unknown {
  return typeof event === 'string' ? parseEventJson(event) : event;
}
