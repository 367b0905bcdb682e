import { ValidationException } from '../errors.js';
import { compilePattern, matchPattern } from '../patterns/index.js';
import type { Action } from './types.js';

/** Envelope fields AWS requires of the Event (observed: `Parameter Event is not valid.` otherwise). */
const requiredFields = ['id', 'account', 'source', 'time', 'region', 'resources', 'detail-type'];

export const testEventPattern: Action = (_ctx, input: { EventPattern: string; Event: string }) => {
  const pattern = compilePattern(input.EventPattern);
  if (!isValidEvent(input.Event)) throw new ValidationException('Parameter Event is not valid.');
  // The event text is matched as text, so numbers keep their exact spelling.
  return { Result: matchPattern(pattern, input.Event) };
};

function isValidEvent(text: string): boolean {
  let event: unknown;
  try {
    event = JSON.parse(text);
  } catch {
    return false;
  }
  if (event === null || typeof event !== 'object' || Array.isArray(event)) return false;
  const record = event as Record<string, unknown>;
  return requiredFields.every((field) => field in record) && Array.isArray(record.resources);
}
