/**
 * The record of what each pipe did with the batches its source offered: one entry per offer (a
 * batch the source offers again is a new attempt), newest last, the latest `keptBatches` per
 * pipe. Kept in the namespace's Pipes state, so it survives a restart like the rest.
 */
import type { NamespaceState } from '../../store/schema.js';
import { findPipes } from './state.js';

export const keptBatches = 100;

export interface PipeBatchRecord {
  /** When the runner took the batch (ISO 8601, the emulator's clock). */
  at: string;
  /** 1 the first time the source offered these records, then 2, 3 ... */
  attempt: number;
  itemIds: string[];
  /** Records FilterCriteria dropped (acknowledged to the source as delivered, as AWS does). */
  filteredOutItemIds: string[];
  /** How many events the enrichment answered, when the pipe has one. */
  enrichedEvents?: number;
  outcome: 'delivered' | 'failed' | 'partial' | 'filtered';
  reason?: string;
  failedItemIds?: string[];
  /** Each enrichment and target call made for the batch (one per event for per-event kinds), in order. */
  calls: PipeCallRecord[];
}

/** One call of the enrichment or the target (the request and answer themselves are not kept). */
export interface PipeCallRecord {
  step: 'enrichment' | 'target';
  arn: string;
  at: string;
  latencyMs: number;
  ok: boolean;
  statusCode?: number;
  errorCode?: string;
  errorMessage?: string;
}

export function recordBatch(ns: NamespaceState, pipeName: string, record: PipeBatchRecord): void {
  const state = findPipes(ns);
  if (!state?.pipes[pipeName]) return;
  const batches = (state.batches ??= Object.create(null) as Record<string, PipeBatchRecord[]>);
  const list = (batches[pipeName] ??= []);
  list.push(record);
  if (list.length > keptBatches) list.splice(0, list.length - keptBatches);
}

export const batchesOf = (ns: NamespaceState, pipeName: string): PipeBatchRecord[] => findPipes(ns)?.batches?.[pipeName] ?? [];
