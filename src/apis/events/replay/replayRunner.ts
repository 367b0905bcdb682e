/**
 * Runs replays: the archive's events of the replay's window go back onto the bus,
 * in ingestion order, carrying `replay-name`, through matching and delivery (only
 * to the FilterArns rules when given). Paced on the virtual clock, as AWS's replays
 * take time (aws-facts.md §8.2: StartReplay answers STARTING, and a CancelReplay sent
 * right after it was recorded answering CANCELLING): STARTING for replayStartingMs,
 * then RUNNING with a batch per virtual second, COMPLETED one step after the last
 * batch; CANCELLING lasts one step before CANCELLED. Tests advance the clock through
 * it. A restart resumes an unfinished replay where it stopped.
 */
import type { EventRouter } from '../bus/router.js';
import type { EventEnvelope } from '../bus/envelope.js';
import { retainedEvents } from '../domain/archives.js';
import type { NamespaceState, ReplayRecord } from '../../../store/schema.js';
import type { Store } from '../../../store/store.js';
import type { Clock } from '../../../util/clock.js';
import type { Logger } from '../../../util/log.js';

export const replayBatchSize = 100;
export const replayStepMs = 1000;
/** How long a replay stays STARTING (virtual time); the emulator's choice, AWS publishes none. */
export const replayStartingMs = 5000;

export class ReplayRunner {
  private timers = new Map<string, () => void>();

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly router: EventRouter,
    private readonly log: Logger,
  ) {}

  /** Take up a replay now (it was just started or cancelled). */
  wake(ns: NamespaceState, replay: ReplayRecord, delayMs = 0): void {
    const key = `${ns.account}:${ns.region}:${replay.name}`;
    this.timers.get(key)?.();
    this.timers.set(
      key,
      this.clock.at(this.clock.now() + delayMs, () => {
        this.timers.delete(key);
        this.step(ns, replay.name);
      }),
    );
  }

  /** A replay StartReplay just created: it begins once its STARTING spell is over. */
  start(ns: NamespaceState, replay: ReplayRecord): void {
    this.wake(ns, replay, replayStartingMs);
  }

  /** A replay CancelReplay just marked CANCELLING: it is CANCELLED a step later. */
  cancel(ns: NamespaceState, replay: ReplayRecord): void {
    this.wake(ns, replay, replayStepMs);
  }

  resumeAll(namespaces: NamespaceState[]): void {
    const now = this.clock.now();
    for (const ns of namespaces) {
      for (const replay of Object.values(ns.replays ?? {})) {
        if (replay.state === 'STARTING') this.wake(ns, replay, Math.max(0, replay.replayStartTime + replayStartingMs - now));
        else if (replay.state === 'RUNNING' || replay.state === 'CANCELLING') this.wake(ns, replay);
      }
    }
  }

  stop(): void {
    for (const cancel of this.timers.values()) cancel();
    this.timers.clear();
  }

  private step(ns: NamespaceState, name: string): void {
    const replay = ns.replays[name];
    if (!replay) return;
    const now = this.clock.now();
    if (replay.state === 'CANCELLING') return this.end(ns, replay, 'CANCELLED', now);
    if (replay.state !== 'STARTING' && replay.state !== 'RUNNING') return;
    const starting = replay.state === 'STARTING';
    replay.state = 'RUNNING';
    const archive = ns.archives[replay.archiveName];
    if (!archive) {
      replay.stateReason = `Archive ${replay.archiveName} does not exist.`;
      return this.end(ns, replay, 'FAILED', now);
    }
    // Backpressure: a full delivery queue pauses the replay (its events wait in the archive).
    if (this.store.delivery.full) return this.wake(ns, replay, replayStepMs);
    const window = retainedEvents(this.store.delivery, archive, now).filter((e) => e.at >= replay.eventStartTime && e.at < replay.eventEndTime);
    // Every replay is RUNNING for at least one step, and COMPLETED the step after its last batch.
    if (!starting && replay.replayedCount >= window.length) return this.end(ns, replay, 'COMPLETED', now);
    const batch = window.slice(replay.replayedCount, replay.replayedCount + replayBatchSize);
    const busName = replay.destination.Arn.slice(replay.destination.Arn.indexOf(':event-bus/') + ':event-bus/'.length);
    for (const archived of batch) {
      this.router.route(ns, busName, withReplayName(archived.event, replay.name), { replay: { filterArns: replay.destination.FilterArns } });
      replay.eventLastReplayedTime = archived.at;
    }
    replay.replayedCount += batch.length;
    this.store.changed(ns, 'replays', replay.name);
    void this.store.persistChanges();
    this.wake(ns, replay, replayStepMs);
  }

  private end(ns: NamespaceState, replay: ReplayRecord, state: 'COMPLETED' | 'CANCELLED' | 'FAILED', now: number): void {
    replay.state = state;
    replay.replayEndTime = now;
    this.log.info(`replay ${state.toLowerCase()}`, { replayName: replay.name, replayed: replay.replayedCount });
    this.store.changed(ns, 'replays', replay.name);
    void this.store.persistChanges();
  }
}

/** The envelope with `replay-name` where AWS puts it: after `region`, before `resources`. */
function withReplayName(event: Record<string, unknown>, replayName: string): EventEnvelope {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(event)) {
    if (key === 'resources') out['replay-name'] = replayName;
    if (key !== 'replay-name') out[key] = value;
  }
  return out as unknown as EventEnvelope;
}
