/**
 * A pipe's state over the (virtual) clock. Every operation that changes a pipe puts it in a
 * transitional state (CREATING, UPDATING, STARTING, STOPPING, DELETING) that ends at its
 * `transitionAt`: then the pipe is RUNNING or STOPPED per its DesiredState, or, when its source
 * cannot be read (no endpoint for the source's service, no such queue or stream there), in the
 * matching *_FAILED state with a StateReason that says why. A DELETING pipe is gone at the end.
 * The times are persisted, so a restart completes what was in progress.
 */
import type { Clock } from '../../util/clock.js';
import type { Logger } from '../../util/log.js';
import type { NamespaceState } from '../../store/schema.js';
import { desiredStateOf, findPipes, transitional, type PipeRecord, type PipeState } from './state.js';
import type { PipeRunner } from './runner.js';

/** Why the pipe's source cannot be read, or undefined when it can. */
export type SourceCheck = (pipe: { account: string; region: string; source: string }) => Promise<string | undefined>;

export interface PipeLifecycleDeps {
  clock: Clock;
  log: Logger;
  runner: PipeRunner;
  checkSource: SourceCheck;
  /** Writes the pipe's records (and whatever else was named). */
  persist: (ns: NamespaceState, pipeName: string) => Promise<void>;
}

const failedState: Partial<Record<PipeState, PipeState>> = { CREATING: 'CREATE_FAILED', STARTING: 'START_FAILED', UPDATING: 'UPDATE_FAILED' };

export class PipeLifecycle {
  private timers = new Map<string, { at: number; cancel: () => void }>();
  /** Transitions being completed (their source check in flight): what stop() waits for. */
  private completing = new Set<Promise<void>>();

  constructor(private readonly deps: PipeLifecycleDeps) {}

  /** Arm the end of each transitional pipe of the namespace; start and stop its workers. */
  sync(ns: NamespaceState): void {
    const prefix = `${ns.account}:${ns.region}:`;
    const pipes = findPipes(ns)?.pipes ?? {};
    for (const [key, timer] of this.timers) {
      if (!key.startsWith(prefix)) continue;
      const p = pipes[key.slice(prefix.length)];
      if (!p || p.transitionAt !== timer.at) {
        timer.cancel();
        this.timers.delete(key);
      }
    }
    for (const p of Object.values(pipes)) {
      const key = prefix + p.name;
      if (!transitional.has(p.currentState) || p.transitionAt === undefined || this.timers.has(key)) continue;
      const at = p.transitionAt;
      const cancel = this.deps.clock.at(at, () => {
        this.timers.delete(key);
        const done = this.complete(ns, p.name, at).catch((err: unknown) => this.deps.log.error('pipe state change failed', { pipe: p.arn, error: err instanceof Error ? err.stack : String(err) }));
        this.completing.add(done);
        void done.finally(() => this.completing.delete(done));
      });
      this.timers.set(key, { at, cancel });
    }
    void this.deps.runner.sync(ns);
  }

  syncAll(namespaces: NamespaceState[]): void {
    for (const ns of namespaces) this.sync(ns);
  }

  async stop(): Promise<void> {
    for (const timer of this.timers.values()) timer.cancel();
    this.timers.clear();
    await Promise.all([...this.completing]);
  }

  private async complete(ns: NamespaceState, name: string, at: number): Promise<void> {
    const state = findPipes(ns);
    const p = state?.pipes[name];
    if (!state || !p || p.transitionAt !== at) return;
    const from = p.currentState;
    let reason: string | undefined;
    if (from !== 'DELETING' && from !== 'STOPPING' && desiredStateOf(p) === 'RUNNING') {
      reason = await this.deps.checkSource({ account: ns.account, region: ns.region, source: String(p.spec.Source) });
      // Changed again while the source was checked: that change's own timer decides.
      if (state.pipes[name] !== p || p.transitionAt !== at) return;
    }
    if (from === 'DELETING') {
      delete state.pipes[name];
      delete state.tags[p.arn];
      delete state.checkpoints[name];
      delete state.batches?.[name];
    } else settle(p, reason === undefined ? desiredStateOf(p) : (failedState[from] ?? 'CREATE_FAILED'), reason);
    await this.deps.persist(ns, name);
    this.sync(ns);
  }
}

function settle(p: PipeRecord, state: PipeState, reason: string | undefined): void {
  p.currentState = state;
  delete p.transitionAt;
  if (reason === undefined) delete p.stateReason;
  else p.stateReason = reason.slice(0, 512);
}
