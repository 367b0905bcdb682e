/**
 * Drives a pipe source directly through the contract, against moto_server: a virtual clock the
 * test moves, an in-memory checkpoint store that outlives a source (a "restart" is a new source
 * on the same store), and condition waits on real time (the service is real).
 */
import { AwsClients } from '../../../src/engine/delivery/awsClients.js';
import { ServiceDirectory } from '../../../src/engine/delivery/serviceEndpoints.js';
import { createPipeSource, type PipeSourceDeps } from '../../../src/apis/pipes/sources/index.js';
import type { CheckpointStore, PipeSource, PipeSourceBatch, PipeSourceContext } from '../../../src/apis/pipes/contract.js';
import type { Moto } from '../../helpers/moto.js';

export const account = '000000000000';
export const region = 'us-east-1';

export class MemoryCheckpoints implements CheckpointStore {
  readonly positions = new Map<string, string>();
  get(shardId: string) {
    return this.positions.get(shardId);
  }
  set(shardId: string, sequenceNumber: string) {
    this.positions.set(shardId, sequenceNumber);
  }
}

export class VirtualClock {
  constructor(public ms = Date.now()) {}
  advance(seconds: number) {
    this.ms += seconds * 1000;
  }
  now = () => this.ms;
}

export function sourceDeps(moto: Moto | { url: string }, clients = new AwsClients()): PipeSourceDeps {
  const url = moto.url;
  return {
    services: new ServiceDirectory({ endpoints: { sqs: url, sns: url, kinesis: url, 'dynamodb-streams': url } }),
    clients,
    idleBackoffMs: { min: 5, max: 50 },
    shardListRefreshMs: 100,
  };
}

export function openSource(
  deps: PipeSourceDeps,
  sourceArn: string,
  sourceParameters: Record<string, unknown>,
  opts: { checkpoints?: CheckpointStore; clock?: VirtualClock; roleArn?: string } = {},
): { source: PipeSource; checkpoints: CheckpointStore; clock: VirtualClock } {
  const checkpoints = opts.checkpoints ?? new MemoryCheckpoints();
  const clock = opts.clock ?? new VirtualClock();
  const ctx: PipeSourceContext = {
    pipeArn: `arn:aws:pipes:${region}:${account}:pipe/test-pipe`,
    pipeName: 'test-pipe',
    account,
    region,
    sourceArn,
    sourceParameters,
    checkpoints,
    now: clock.now,
    ...(opts.roleArn ? { roleArn: opts.roleArn } : {}),
  };
  return { source: createPipeSource(ctx, deps), checkpoints, clock };
}

/** The next batch, polling until one comes (a condition wait, bounded generously for a loaded CI). */
export async function nextBatch(source: PipeSource, what = 'a batch', boundMs = 30_000): Promise<PipeSourceBatch> {
  const deadline = Date.now() + boundMs;
  for (;;) {
    const batch = await source.next();
    if (batch) return batch;
    if (Date.now() > deadline) throw new Error(`no ${what} within ${boundMs} ms (lastError: ${source.lastError() ?? 'none'})`);
  }
}

/** Polls a few times and expects nothing (each next() waits its idle back-off, so this is not a spin). */
export async function expectNoBatch(source: PipeSource, polls = 5): Promise<void> {
  for (let i = 0; i < polls; i++) {
    const batch = await source.next();
    if (batch) throw new Error(`expected no batch, got ${JSON.stringify(batch.records.map((r) => r.itemId))} (attempt ${batch.attempt})`);
  }
}

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, boundMs = 30_000): Promise<T> {
  const deadline = Date.now() + boundMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
