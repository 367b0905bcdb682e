/**
 * `<aws.scheduler.attempt-number>` is per attempt, while a job's payload is rendered once, when the
 * schedule fires: the runner leaves that attribute in the payload and this wrapper of the shared
 * senders fills it in on each attempt (1 for the first). Other jobs pass through untouched.
 */
import type { Sender } from '../../engine/delivery/senders.js';

export const attemptNumberAttribute = '<aws.scheduler.attempt-number>';
const schedulePrefix = 'arn:aws:scheduler:';

export function withAttemptNumber(send: Sender): Sender {
  return (job) =>
    job.ruleArn.startsWith(schedulePrefix) && job.payload.includes(attemptNumberAttribute)
      ? send({ ...job, payload: job.payload.split(attemptNumberAttribute).join(String(job.attempts.length + 1)) })
      : send(job);
}
