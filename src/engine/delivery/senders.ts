/**
 * Senders deliver one job to one kind of target. Each answers with an outcome;
 * the engine decides about retries. Targets of AWS services this emulator does
 * not run are captured (the exact payload is recorded per target ARN) unless the
 * service has an endpoint to deliver to (awsSenders.ts).
 */
import { parseArn } from '../../apis/events/domain/arns.js';
import { limits } from '../../limits.js';
import type { CapturedPayload, DeliveryJob } from '../../store/schema.js';
import type { DeliveryRecords } from '../../store/deliveryRecords.js';

export interface SendOutcome {
  ok: boolean;
  statusCode?: number;
  errorCode?: string;
  errorMessage?: string;
  /** Worth another attempt (default false for failures). */
  retryable?: boolean;
  retryAfterMs?: number;
  request?: unknown;
  /** What the target answered (HTTP: status, headers, body cut to a bound, secrets masked; AWS service calls and Lambda bindings: their answer), for the inspection API. */
  response?: unknown;
  /** The answer's body in full (an API destination's, a Lambda binding's): what a pipe's enrichment passes on. Never recorded. */
  answer?: string;
  /**
   * Not yet: the target cannot take the job before this time (an API destination's
   * InvocationRateLimitPerSecond). The engine reschedules the job without counting an
   * attempt; the sender guarantees the time is within the event's maximum age.
   */
  deferUntil?: number;
}

export type Sender = (job: DeliveryJob) => Promise<SendOutcome> | SendOutcome;

/** Parameter blocks of a target that describe how its service would be called. */
const serviceParameterKeys = [
  'SqsParameters',
  'KinesisParameters',
  'EcsParameters',
  'BatchParameters',
  'RunCommandParameters',
  'HttpParameters',
  'RedshiftDataParameters',
  'SageMakerPipelineParameters',
  'AppSyncParameters',
  // A Scheduler universal target's call: { Service, Action } (apis/scheduler/universalTarget.ts).
  'AwsSdkCall',
  'RoleArn',
  // A pipe's target (src/apis/pipes/targets.ts): its TargetParameters as configured.
  'PipeTargetParameters',
];

/** A target's parameter blocks, made once per target object (PutTargets replaces targets, never changes one). */
const parametersOfTarget = new WeakMap<object, Record<string, unknown>>();

function parametersOf(target: DeliveryJob['target']): Record<string, unknown> {
  let parameters = parametersOfTarget.get(target);
  if (parameters) return parameters;
  parameters = {};
  for (const key of serviceParameterKeys) if (target[key] !== undefined) parameters[key] = target[key];
  parametersOfTarget.set(target, parameters);
  return parameters;
}

/** A capture's outcome: the same object every time (the engine only reads an outcome). */
const captured: SendOutcome = { ok: true };

export function captureSender(records: Pick<DeliveryRecords, 'appendCapture'>): Sender {
  return (job) => {
    // Shared by the captures of one target: nothing changes a capture once recorded.
    const parameters = parametersOf(job.target);
    const capture: CapturedPayload = {
      targetArn: job.target.Arn,
      targetId: job.target.Id,
      ruleArn: job.ruleArn,
      eventId: String(job.event.id),
      at: job.nextAttemptAt,
      payload: job.payload,
      parameters,
    };
    records.appendCapture(job.target.Arn, capture, limits.capturesPerTarget);
    return captured;
  };
}

/** Forward the event to another bus (same or another account/region), where it is matched again. */
export type ForwardToBus = (account: string, region: string, busName: string, job: DeliveryJob) => SendOutcome;

export function eventBusSender(forward: ForwardToBus): Sender {
  return (job) => {
    const arn = parseArn(job.target.Arn)!;
    if (job.hops >= limits.eventBusHops) {
      return { ok: false, errorCode: 'INVALID_PARAMETER', errorMessage: `Event was forwarded between event buses ${job.hops} times; refusing a loop.` };
    }
    return forward(arn.account, arn.region, arn.resource.slice('event-bus/'.length), job);
  };
}

/** `aws-service`: a target of an AWS service that has an endpoint or (Lambda) a binding (awsSenders.ts). */
export type TargetKind = 'event-bus' | 'api-destination' | 'aws-service' | 'captured';

// Every attempt asks; the answer depends on the ARN alone, and a rule's target ARNs are few.
const kinds = new Map<string, TargetKind>();

export function targetKind(arn: string): TargetKind {
  let kind = kinds.get(arn);
  if (kind === undefined) {
    kind = kindOf(arn);
    if (kinds.size >= 10_000) kinds.clear();
    kinds.set(arn, kind);
  }
  return kind;
}

function kindOf(arn: string): TargetKind {
  const parsed = parseArn(arn);
  if (parsed?.service === 'events' && parsed.resource.startsWith('event-bus/')) return 'event-bus';
  if (parsed?.service === 'events' && parsed.resource.startsWith('api-destination/')) return 'api-destination';
  return 'captured';
}
