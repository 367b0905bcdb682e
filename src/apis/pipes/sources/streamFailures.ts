/**
 * What happens to a stream batch the target did not take (pure), and the failure record sent to
 * the pipe's DeadLetterConfig when its records are given up.
 *
 * "For stream sources, such as DynamoDB and Kinesis streams, you can configure a DLQ for the pipe"
 * (User Guide, error handling). A stream source "checkpoints to the highest sequence number of a
 * batch, but only when the batch is a complete success" and otherwise retries per
 * MaximumRetryAttempts (-1 = until the record expires), MaximumRecordAgeInSeconds (-1 = no limit)
 * and OnPartialBatchItemFailure AUTOMATIC_BISECT ("halves each batch and retry each half").
 */
import { randomUUID } from 'node:crypto';
import type { BatchOutcome } from '../contract.js';
import type { StreamRecordRead } from './streamReader.js';

export interface StreamRetryParameters {
  maximumRetryAttempts: number;
  maximumRecordAgeInSeconds: number;
  bisect: boolean;
}

export type DeadLetterCondition = 'RetryAttemptsExhausted' | 'RecordAgeExceeded';

export type FailureDecision =
  /** Records before the first failure are done (checkpointed); the rest go on as `retry` or `deadLetter`. */
  | { done: StreamRecordRead[]; retry: StreamRecordRead[][]; attempt: number }
  | { done: StreamRecordRead[]; deadLetter: StreamRecordRead[]; condition: DeadLetterCondition };

/**
 * The records of a settled batch that failed, in stream order. Filtered-out records count as
 * delivered. A partial failure that names no record of the batch (or an empty id) fails it whole,
 * as "Reporting batch item failures" lists.
 */
export function failedIndexes(records: StreamRecordRead[], outcome: BatchOutcome, filteredOut: Set<string>): number[] {
  if (outcome.kind === 'delivered') return [];
  const ids = new Set(records.map((r) => r.eventId));
  const named = outcome.kind === 'partial' ? new Set(outcome.failedItemIds) : undefined;
  const whole = !named || [...named].some((id) => !id || !ids.has(id));
  const failed: number[] = [];
  records.forEach((r, i) => {
    if (filteredOut.has(r.eventId)) return;
    if (whole || named!.has(r.eventId)) failed.push(i);
  });
  return failed;
}

/**
 * A failed batch: everything before its first failed record is done; from there on the records
 * are retried (bisected when the whole batch failed and AUTOMATIC_BISECT is on) until
 * MaximumRetryAttempts is used up. A partial failure retries from the first failed record on,
 * the way a stream keeps order (the later, successful records may be delivered again, as the
 * User Guide warns). Bisected halves count as retries of their records.
 */
export function decideFailure(records: StreamRecordRead[], attempt: number, outcome: BatchOutcome, filteredOut: Set<string>, params: StreamRetryParameters): FailureDecision | undefined {
  const failed = failedIndexes(records, outcome, filteredOut);
  if (failed.length === 0) return undefined;
  const done = records.slice(0, failed[0]);
  const rest = records.slice(failed[0]);
  if (params.maximumRetryAttempts !== -1 && attempt > params.maximumRetryAttempts) return { done, deadLetter: rest, condition: 'RetryAttemptsExhausted' };
  if (params.bisect && outcome.kind === 'failed' && rest.length > 1) {
    const half = Math.ceil(rest.length / 2);
    return { done, retry: [rest.slice(0, half), rest.slice(half)], attempt: attempt + 1 };
  }
  return { done, retry: [rest], attempt: attempt + 1 };
}

/** The records too old to offer (MaximumRecordAgeInSeconds, on the pipe's clock); -1 keeps them all. */
export function expiredRecords(records: StreamRecordRead[], maximumRecordAgeInSeconds: number, now: number): StreamRecordRead[] {
  if (maximumRecordAgeInSeconds === -1) return [];
  return records.filter((r) => now - r.arrivalMs > maximumRecordAgeInSeconds * 1000);
}

/**
 * The failure record, laid out like the one Lambda documents for its Kinesis and DynamoDB
 * stream sources ("Retaining records of discarded batches": requestContext.condition,
 * approximateInvokeCount, and a KinesisBatchInfo / DDBStreamBatchInfo naming the shard and the
 * sequence-number range, not the records). The Pipes guide shows no sample of its own; the
 * pipe's ARN stands where Lambda puts the function's.
 */
export function failureRecord(input: {
  pipeArn: string;
  streamArn: string;
  shardId: string;
  batchInfoName: string;
  records: StreamRecordRead[];
  condition: DeadLetterCondition;
  attempts: number;
  now: number;
}): Record<string, unknown> {
  const first = input.records[0];
  const last = input.records[input.records.length - 1];
  return {
    requestContext: { requestId: randomUUID(), pipeArn: input.pipeArn, condition: input.condition, approximateInvokeCount: input.attempts },
    version: '1.0',
    timestamp: new Date(input.now).toISOString(),
    [input.batchInfoName]: {
      shardId: input.shardId,
      startSequenceNumber: first.sequenceNumber,
      endSequenceNumber: last.sequenceNumber,
      approximateArrivalOfFirstRecord: new Date(first.arrivalMs).toISOString(),
      approximateArrivalOfLastRecord: new Date(last.arrivalMs).toISOString(),
      batchSize: input.records.length,
      streamArn: input.streamArn,
    },
  };
}
