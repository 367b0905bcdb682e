/**
 * AWS's (Coral's) validation message texts. Observed forms (aws-facts.md §1):
 * `1 validation error detected: Value 'x' at 'name' failed to satisfy constraint: Member must ...`,
 * several joined with `; ` under `N validation errors detected: `.
 */
import type { RenderedValue } from './javaToString.js';

export const constraintText = {
  notNull: 'Member must not be null',
  minLength: (n: number) => `Member must have length greater than or equal to ${n}`,
  maxLength: (n: number) => `Member must have length less than or equal to ${n}`,
  minValue: (n: number) => `Member must have value greater than or equal to ${n}`,
  maxValue: (n: number) => `Member must have value less than or equal to ${n}`,
  pattern: (pattern: string) => `Member must satisfy regular expression pattern: ${pattern}`,
  enumSet: (values: readonly string[]) => `Member must satisfy enum value set: [${values.join(', ')}]`,
  /** A map's keys (or values) are reported once, listing every constraint of the key shape. */
  mapKeys: (constraints: readonly string[]) => `Map keys must satisfy constraint: [${constraints.join(', ')}]`,
  mapValues: (constraints: readonly string[]) => `Map values must satisfy constraint: [${constraints.join(', ')}]`,
};

/**
 * One violation. A missing member prints `Value null`; a sensitive value is omitted
 * (`Value at '...'`), as AWS does for members the model marks sensitive, e.g. Cognito's
 * `Value at 'username' failed to satisfy constraint: ...`.
 */
export function violation(path: string, value: RenderedValue | null, constraint: string): string {
  const subject = value === null ? 'Value null' : value.sensitive ? 'Value' : `Value '${value.text}'`;
  return `${subject} at '${path}' failed to satisfy constraint: ${constraint}`;
}

export function validationMessage(violations: readonly string[]): string {
  const count = violations.length;
  return `${count} validation error${count === 1 ? '' : 's'} detected: ${violations.join('; ')}`;
}
