/**
 * Universal targets, `arn:aws:scheduler:::aws-sdk:<service>:<apiAction>` (Scheduler User Guide,
 * "Using universal targets"): <service> is the AWS SDK's lowercase service identifier, <apiAction>
 * the operation in camelCase, and Input the operation's request parameters as well-formed JSON.
 * Read-only actions are refused: those whose name begins with one of the guide's prefixes.
 */
import { validation } from './errors.js';

const arnForm = /^arn:aws[a-z-]*:scheduler:::aws-sdk:(.*)$/;
const serviceForm = /^[a-z][a-z0-9-]*$/;
const actionForm = /^[a-z][a-zA-Z0-9]*$/;

/** The User Guide's list of read-only prefixes ("Unsupported actions"). */
const readOnlyPrefixes = [
  'get', 'describe', 'list', 'poll', 'receive', 'search', 'scan', 'query', 'select', 'read', 'lookup', 'discover', 'validate',
  'batchGet', 'batchDescribe', 'batchRead', 'transactGet', 'adminGet', 'adminList', 'testMigration', 'retrieve', 'testConnection',
  'translateDocument', 'isAuthorized', 'invokeModel',
];

export interface UniversalCall {
  /** The SDK service identifier, as in the ARN. */
  Service: string;
  /** The operation in AWS's casing (the API reference's name): sendMessage -> SendMessage. */
  Action: string;
}

export const isUniversalTarget = (arn: string): boolean => arnForm.test(arn);

/** Parses and checks a universal target; undefined for any other ARN. Throws AWS's ValidationException. */
export function checkUniversalTarget(arn: string, input: unknown): UniversalCall | undefined {
  const m = arnForm.exec(arn);
  if (!m) return undefined;
  const parts = m[1].split(':');
  if (parts.length !== 2 || !serviceForm.test(parts[0]) || !actionForm.test(parts[1])) {
    throw validation(`Invalid target ARN ${arn}: a universal target is arn:aws:scheduler:::aws-sdk:<service>:<apiAction>, the service in lowercase and the action in camelCase.`);
  }
  const [service, action] = parts;
  if (readOnlyPrefixes.some((p) => action === p || (action.startsWith(p) && /[A-Z0-9]/.test(action[p.length])))) {
    throw validation(`${action} is not a supported action for a target: read-only API actions cannot be scheduled.`);
  }
  if (input !== undefined && !isJsonObject(String(input))) {
    throw validation(`Invalid target input for ${arn}: the Input of a universal target must be a well-formed JSON object of the ${service}:${action} request parameters.`);
  }
  return { Service: service, Action: action[0].toUpperCase() + action.slice(1) };
}

/** A context attribute stands for a value: parsed as one wherever it sits. */
function isJsonObject(text: string): boolean {
  try {
    const value: unknown = JSON.parse(text.replace(/<aws\.scheduler\.[a-z-]+>/g, '0'));
    return value !== null && typeof value === 'object' && !Array.isArray(value);
  } catch {
    return false;
  }
}
