/**
 * Scheduler's dead-letter event (User Guide, "Configuring a dead-letter queue", "Retrieve the
 * dead-letter event"): the body is the request the target was sent (for a universal target the
 * action's request parameters; here the rendered Input, or the event for a PutEvents target),
 * and the message attributes are ERROR_CODE, ERROR_MESSAGE, EXECUTION_ID,
 * EXHAUSTED_RETRY_CONDITION (only when a retry condition ended it: MaximumRetryAttempts or
 * MaximumEventAgeInSeconds), IS_PAYLOAD_TRUNCATED, RETRY_ATTEMPTS, SCHEDULED_TIME, SCHEDULE_ARN
 * and TARGET_ARN, every one a String. The error codes are the shared senders' (AWS prefixes the
 * target service's, e.g. AWS.SimpleQueueService.NonExistentQueue).
 */
import type { DeadLetterMessage, DeliveryJob } from '../../store/schema.js';
import type { SendOutcome } from '../../engine/delivery/senders.js';
import type { ExhaustedCondition } from '../../engine/delivery/retryPolicy.js';
import { formatEventTime } from '../events/bus/envelope.js';
import { attemptNumberAttribute } from './attemptNumber.js';

/** SQS's largest message body; a longer one is cut, and the attribute says so. */
const maxBodyBytes = 262_144;

export function schedulerDeadLetter(job: DeliveryJob, outcome: SendOutcome, exhausted: ExhaustedCondition | undefined, queueArn: string, now: number): DeadLetterMessage | undefined {
  const invocation = job.invocation;
  if (!invocation) return undefined;
  const attempts = Math.max(1, job.attempts.length);
  let body = job.payload.split(attemptNumberAttribute).join(String(attempts));
  const truncated = Buffer.byteLength(body) > maxBodyBytes;
  if (truncated) body = Buffer.from(body).subarray(0, maxBodyBytes).toString('utf8');
  const condition = invocation.missed ? 'MaximumEventAgeInSeconds' : exhausted;
  const attributes: Record<string, string> = {
    ERROR_CODE: outcome.errorCode ?? 'AWS.Scheduler.InternalServerError',
    ERROR_MESSAGE: outcome.errorMessage ?? 'Unexpected error occurred while processing the request.',
    EXECUTION_ID: invocation.executionId,
    ...(condition ? { EXHAUSTED_RETRY_CONDITION: condition } : {}),
    IS_PAYLOAD_TRUNCATED: String(truncated),
    RETRY_ATTEMPTS: String(Math.max(0, job.attempts.length - 1)),
    SCHEDULED_TIME: formatEventTime(invocation.scheduledTime),
    SCHEDULE_ARN: job.ruleArn,
    TARGET_ARN: job.target.Arn,
  };
  return { queueArn, at: now, body, attributes };
}
