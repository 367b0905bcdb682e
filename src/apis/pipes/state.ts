/** Pipes' persisted records, per (account, region), kept in the namespace beside the events API's. */
import { table, type NamespaceState } from '../../store/schema.js';
import type { PipeBatchRecord } from './batches.js';

export const pipeStates = ['RUNNING', 'STOPPED', 'CREATING', 'UPDATING', 'DELETING', 'STARTING', 'STOPPING', 'CREATE_FAILED', 'UPDATE_FAILED', 'START_FAILED', 'STOP_FAILED', 'DELETE_FAILED'] as const;
export type PipeState = (typeof pipeStates)[number];
export type DesiredState = 'RUNNING' | 'STOPPED';

/** The states a pipe passes through on its way to DesiredState; each ends at `transitionAt`. */
export const transitional: ReadonlySet<PipeState> = new Set(['CREATING', 'UPDATING', 'DELETING', 'STARTING', 'STOPPING']);

/** A pipe as CreatePipe/UpdatePipe gave it (wire names in `spec`), times in epoch ms. */
export interface PipeRecord {
  name: string;
  arn: string;
  /** Description, DesiredState, Source, SourceParameters, Enrichment, EnrichmentParameters, Target, TargetParameters, RoleArn, LogConfiguration, KmsKeyIdentifier. */
  spec: Record<string, unknown>;
  currentState: PipeState;
  stateReason?: string;
  creationTime: number;
  lastModifiedTime: number;
  /** When the current transitional state ends (virtual time). */
  transitionAt?: number;
}

export interface PipesState {
  pipes: Record<string, PipeRecord>;
  /** Tags by pipe ARN. */
  tags: Record<string, Record<string, string>>;
  /** Stream positions by pipe name, then shard id (the contract's CheckpointStore). */
  checkpoints: Record<string, Record<string, string>>;
  /** What each pipe did with its batches, by pipe name (batches.ts). */
  batches?: Record<string, PipeBatchRecord[]>;
}

export const pipeArn = (ns: NamespaceState, name: string) => `arn:aws:pipes:${ns.region}:${ns.account}:pipe/${name}`;

type WithPipes = NamespaceState & { pipes?: PipesState };

/** The namespace's Pipes state, created on first use. */
export function pipesOf(ns: NamespaceState): PipesState {
  const n = ns as WithPipes;
  n.pipes ??= { pipes: table(), tags: table(), checkpoints: table() };
  return n.pipes;
}

/**
 * Where one pipe's records are in the namespace (its record, tags, stream positions, batch
 * records), for the store's journal: a change to a pipe names these, not the whole Pipes state.
 */
export function pipeRecordPaths(ns: NamespaceState, name: string): string[][] {
  return [
    ['pipes', 'pipes', name],
    ['pipes', 'tags', pipeArn(ns, name)],
    ['pipes', 'checkpoints', name],
    ['pipes', 'batches', name],
  ];
}

/** For reads that must not create state (the runner, the inspection API). */
export const findPipes = (ns: NamespaceState): PipesState | undefined => (ns as WithPipes).pipes;

export const desiredStateOf = (pipe: PipeRecord): DesiredState => (pipe.spec.DesiredState === 'STOPPED' ? 'STOPPED' : 'RUNNING');

/** The pipe's FilterCriteria patterns (JSON text), in order. */
export function filtersOf(spec: Record<string, unknown>): string[] {
  const criteria = (spec.SourceParameters as { FilterCriteria?: { Filters?: Array<{ Pattern?: string }> } } | undefined)?.FilterCriteria;
  return (criteria?.Filters ?? []).map((f) => f.Pattern).filter((p): p is string => typeof p === 'string');
}
