/**
 * Request validation: one engine over the shape table generated from botocore
 * (src/apis/events/model/shapes.generated.ts), run on every request before the action.
 *
 * Two stages, as AWS's JSON 1.1 front end has them:
 * 1. read (readRequest.ts): the JSON value of each known member must be of the
 *    shape's kind, else SerializationException (first mismatch wins). Unknown members
 *    are ignored, `null` means absent, decimals for integers are truncated.
 * 2. constraints (constraints.ts): required, length, range, pattern (Java regex,
 *    whole-value match), enum - all violations are collected and thrown as one
 *    ValidationException in AWS's Coral format, e.g.
 *    `2 validation errors detected: Value 'a b' at 'name' failed to satisfy constraint:
 *    Member must satisfy regular expression pattern: [\.\-_A-Za-z0-9]+; Value null at
 *    'targets.1.member.arn' failed to satisfy constraint: Member must not be null`.
 *    Sensitive values are never printed (`Value at '...'`).
 *
 * Semantic rules that the model does not state (5 targets per rule, mutually exclusive
 * Input/InputPath/InputTransformer, ...) belong to the actions, not here.
 */
import { isOperationName } from '../../apis/events/model/operations.js';
import { OPERATIONS } from '../../apis/events/model/shapes.generated.js';
import { ValidationException } from '../../errors.js';
import { collectViolations } from './constraints.js';
import { validationMessage } from './messages.js';
import { readRequest } from './readRequest.js';

/** Throws SerializationException or ValidationException when `input` is not a valid request. */
export function validateRequest(operation: string, input: unknown): void {
  parseRequest(operation, input);
}

/**
 * Validates like validateRequest and returns the input as AWS sees it: unknown members,
 * `null` members and `null` list elements removed, integers truncated.
 */
export function parseRequest(operation: string, input: unknown): Record<string, unknown> {
  const inputShape = inputShapeOf(operation);
  const request = readRequest(input, inputShape);
  const violations = collectViolations(request, inputShape);
  if (violations.length > 0) throw new ValidationException(validationMessage(violations));
  return request;
}

function inputShapeOf(operation: string): string {
  const spec = isOperationName(operation) ? OPERATIONS[operation] : undefined;
  // The router answers unknown operations before validation; reaching here is a bug.
  if (spec?.input == null) throw new Error(`No input shape for operation ${operation}`);
  return spec.input;
}
