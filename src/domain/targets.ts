import { parseArn } from './arns.js';
import { findApiDestinationByArn } from './apiDestinations.js';
import type { NamespaceState } from '../store/schema.js';

export interface TargetFailure {
  ErrorCode: string;
  ErrorMessage: string;
}

/**
 * Per-entry checks of a target's ARN. Targets may be any ARN AWS accepts, but an
 * event bus or API destination must exist in this emulator (in its own account and
 * region, or in another one it holds), so a typo shows up at PutTargets, not later
 * as a silent drop. Other failures are reported per entry while the rest succeed.
 */
export function checkTargetArn(namespaceOf: (account: string, region: string) => NamespaceState, arn: string): TargetFailure | undefined {
  const parsed = parseArn(arn);
  if (!parsed) return { ErrorCode: 'ValidationException', ErrorMessage: `Parameter ${arn} is not valid. Reason: Provided Arn is not in correct format.` };
  if (parsed.service !== 'events') return undefined;
  const [type, ...rest] = parsed.resource.split('/');
  if (type === 'event-bus') {
    const name = rest.join('/');
    // Every account and region has its default bus, so looking one up may create the namespace.
    if (!namespaceOf(parsed.account, parsed.region).eventBuses[name]) return { ErrorCode: 'ResourceNotFoundException', ErrorMessage: `Event bus ${name} does not exist.` };
    return undefined;
  }
  if (type === 'api-destination') {
    // The whole ARN must match, uuid included: a destination deleted and created again is another one.
    if (findApiDestinationByArn(namespaceOf(parsed.account, parsed.region), arn)) return undefined;
    return { ErrorCode: 'ResourceNotFoundException', ErrorMessage: `An api-destination '${rest[0] ?? ''}' does not exist.` };
  }
  return undefined;
}
