import { parseArn } from './arns.js';
import { findApiDestinationByArn } from './apiDestinations.js';
import { defaultBusName } from './eventBuses.js';
import { isRegion } from './regions.js';
import type { NamespaceState } from '../../../store/schema.js';

export interface TargetFailure {
  ErrorCode: string;
  ErrorMessage: string;
}

/** Who puts the targets, and how to find a namespace without creating it. */
export interface TargetOwner {
  account: string;
  findNamespace(account: string, region: string): NamespaceState | undefined;
}

/**
 * Per-entry checks of a target's ARN. Targets may be any ARN AWS accepts, but an event
 * bus or API destination of the caller's own account must exist in this emulator (in any
 * of its regions), so a typo shows up at PutTargets, not later as a silent drop. Other
 * failures are reported per entry while the rest succeed. Nothing is created on the way.
 *
 * Another account's resources are not looked at: an event bus there is accepted whether
 * it exists or not (its policy decides at delivery, and the answer reveals nothing about
 * that account), and an API destination there is refused whether it exists or not. AWS
 * sends to other accounts only event buses (User Guide, eb-cross-account) and API Gateway,
 * Kinesis, Lambda, SNS and SQS targets (User Guide, eb-service-cross-account: "Supported
 * services"); API destinations are not among them, and invoking one would use its owner's
 * connection credentials on behalf of the caller. AWS's wording is not recorded.
 */
export function checkTargetArn(owner: TargetOwner, arn: string): TargetFailure | undefined {
  const parsed = parseArn(arn);
  if (!parsed) return invalidArn(arn, 'Provided Arn is not in correct format.');
  if (parsed.service !== 'events') return undefined;
  const [type, ...rest] = parsed.resource.split('/');
  if (type !== 'event-bus' && type !== 'api-destination') return undefined;
  if (!isRegion(parsed.region)) return invalidArn(arn, `${parsed.region} is not a valid Region.`);
  if (parsed.account !== owner.account) {
    return type === 'event-bus' ? undefined : invalidArn(arn, 'An API destination target must be in the same account as the rule.');
  }
  const ns = owner.findNamespace(parsed.account, parsed.region);
  if (type === 'event-bus') {
    const name = rest.join('/');
    // Every account and region has its default bus, even before anything created the namespace.
    if (ns ? !ns.eventBuses[name] : name !== defaultBusName) return { ErrorCode: 'ResourceNotFoundException', ErrorMessage: `Event bus ${name} does not exist.` };
    return undefined;
  }
  // The whole ARN must match, uuid included: a destination deleted and created again is another one.
  if (ns && findApiDestinationByArn(ns, arn)) return undefined;
  return { ErrorCode: 'ResourceNotFoundException', ErrorMessage: `An api-destination '${rest[0] ?? ''}' does not exist.` };
}

const invalidArn = (arn: string, reason: string): TargetFailure => ({ ErrorCode: 'ValidationException', ErrorMessage: `Parameter ${arn} is not valid. Reason: ${reason}` });
