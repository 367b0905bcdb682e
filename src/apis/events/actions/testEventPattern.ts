import { ValidationException } from '../../../errors.js';
import { compilePattern, matchPattern } from '../../../engine/patterns/index.js';
import type { Action } from './types.js';

/**
 * Envelope fields AWS requires of the Event (`Parameter Event is not valid.` otherwise).
 * `resources` is not among them although the API reference lists it: AWS-recorded cases
 * without it answer a Result (aws-facts.md §2.3, corrected 2026-12).
 */
const requiredFields = ['id', 'account', 'source', 'time', 'region', 'detail-type'];

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
  return requiredFields.every((field) => Object.hasOwn(event, field));
}
