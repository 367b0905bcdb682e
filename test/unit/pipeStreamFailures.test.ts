/** The pure retry decisions of a stream pipe source (src/apis/pipes/sources/streamFailures.ts). */
import { decideFailure, expiredRecords, failedIndexes, failureRecord } from '../../src/apis/pipes/sources/streamFailures.js';
import { retryDelayMs } from '../../src/apis/pipes/sources/streamSource.js';
import type { StreamRecordRead } from '../../src/apis/pipes/sources/streamReader.js';
import type { BatchOutcome } from '../../src/apis/pipes/contract.js';

const rec = (n: number, arrivalMs = 1_000_000): StreamRecordRead => ({ sequenceNumber: String(n), eventId: `shardId-0:${n}`, partitionKey: 'pk', arrivalMs, record: {} });
const batch = [1, 2, 3, 4].map((n) => rec(n));
const ids = (records: StreamRecordRead[]) => records.map((r) => Number(r.sequenceNumber));
const params = { maximumRetryAttempts: -1, maximumRecordAgeInSeconds: -1, bisect: false };

test.each([
  ['delivered', { kind: 'delivered' } as BatchOutcome, [], []],
  ['failed: every record', { kind: 'failed', reason: 'x' } as BatchOutcome, [], [0, 1, 2, 3]],
  ['failed: filtered-out records count as delivered', { kind: 'failed', reason: 'x' } as BatchOutcome, ['shardId-0:1'], [1, 2, 3]],
  ['partial: the named ones', { kind: 'partial', failedItemIds: ['shardId-0:3'], reason: 'x' } as BatchOutcome, [], [2]],
  ['partial naming an unknown id: every record', { kind: 'partial', failedItemIds: ['shardId-0:9'], reason: 'x' } as BatchOutcome, [], [0, 1, 2, 3]],
  ['partial with an empty id: every record', { kind: 'partial', failedItemIds: [''], reason: 'x' } as BatchOutcome, [], [0, 1, 2, 3]],
])('failedIndexes, %s', (_name, outcome, filtered: string[], expected: number[]) => {
  expect(failedIndexes(batch, outcome, new Set(filtered))).toEqual(expected);
});

test('a delivered batch needs no decision', () => {
  expect(decideFailure(batch, 1, { kind: 'delivered' }, new Set(), params)).toBeUndefined();
});

test('a partial failure: the records before the first failed one are done, the rest is retried in order', () => {
  const d = decideFailure(batch, 1, { kind: 'partial', failedItemIds: ['shardId-0:3'], reason: 'x' }, new Set(), { ...params, bisect: true });
  expect(d && 'retry' in d && [ids(d.done), d.retry.map(ids), d.attempt]).toEqual([[1, 2], [[3, 4]], 2]);
});

test('AUTOMATIC_BISECT halves a wholly failed batch (the first half gets the odd record)', () => {
  const d = decideFailure(batch.slice(0, 3), 2, { kind: 'failed', reason: 'x' }, new Set(), { ...params, bisect: true });
  expect(d && 'retry' in d && [d.retry.map(ids), d.attempt]).toEqual([[[1, 2], [3]], 3]);
  const single = decideFailure(batch.slice(0, 1), 2, { kind: 'failed', reason: 'x' }, new Set(), { ...params, bisect: true });
  expect(single && 'retry' in single && single.retry.map(ids)).toEqual([[1]]);
});

test.each([
  [-1, 50, 'retry'],
  [0, 1, 'deadLetter'],
  [2, 2, 'retry'],
  [2, 3, 'deadLetter'],
])('MaximumRetryAttempts %i, attempt %i failed: %s', (maximumRetryAttempts, attempt, expected) => {
  const d = decideFailure(batch, attempt, { kind: 'failed', reason: 'x' }, new Set(), { ...params, maximumRetryAttempts })!;
  expect('retry' in d ? 'retry' : 'deadLetter').toBe(expected);
  if ('deadLetter' in d) expect([ids(d.deadLetter), d.condition]).toEqual([[1, 2, 3, 4], 'RetryAttemptsExhausted']);
});

test('MaximumRecordAgeInSeconds: records older than that on the given clock expire; -1 keeps all', () => {
  const records = [rec(1, 0), rec(2, 50_000), rec(3, 70_000)];
  expect(ids(expiredRecords(records, 60, 120_000))).toEqual([1, 2]);
  expect(expiredRecords(records, -1, 10 ** 12)).toEqual([]);
});

test('retry back-off: 1 s before the second attempt, doubling, at most 60 s', () => {
  expect([2, 3, 4, 5, 10, 100].map(retryDelayMs)).toEqual([1000, 2000, 4000, 8000, 60_000, 60_000]);
});

test('the failure record names the shard and the sequence-number range, not the records', () => {
  const record = failureRecord({ pipeArn: 'arn:aws:pipes:us-east-1:000000000000:pipe/p', streamArn: 'arn:s', shardId: 'shardId-0', batchInfoName: 'KinesisBatchInfo', records: [rec(1, 0), rec(2, 1000)], condition: 'RecordAgeExceeded', attempts: 3, now: 5000 });
  expect(record).toEqual({
    requestContext: { requestId: expect.any(String), pipeArn: 'arn:aws:pipes:us-east-1:000000000000:pipe/p', condition: 'RecordAgeExceeded', approximateInvokeCount: 3 },
    version: '1.0',
    timestamp: '1970-01-01T00:00:05.000Z',
    KinesisBatchInfo: { shardId: 'shardId-0', startSequenceNumber: '1', endSequenceNumber: '2', approximateArrivalOfFirstRecord: '1970-01-01T00:00:00.000Z', approximateArrivalOfLastRecord: '1970-01-01T00:00:01.000Z', batchSize: 2, streamArn: 'arn:s' },
  });
});
