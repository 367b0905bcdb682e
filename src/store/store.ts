import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { crc32 } from 'node:zlib';
import { emptyState, namespaceKey, reviveState, schemaVersion, table, type DeliveryData, type HealthCheckRecord, type LegacyState, type NamespaceState, type State } from './schema.js';
import { StateFileError, type StateFile } from './lowdbFile.js';
import { DeliveryRecords } from './deliveryRecords.js';
import { DeliveryJournal, type LoadedJournal } from './journal.js';
import { ControlJournal, controlJournalName, readControlChanges, type ControlChange } from './controlJournal.js';

export interface StoreOptions {
  /** The delivery journal; by default one in the state file's folder. */
  journal?: DeliveryJournal;
  /** The control-plane journal; by default one in the state file's folder. */
  controlJournal?: ControlJournal;
  /** Compact when the journal holds this many lines more than twice the live records (tests set it low). */
  compactionSlackLines?: number;
  /** Pending deliveries at which the queue counts as full (DeliveryRecords.full); unbounded by default. */
  maxPendingDeliveries?: number;
  /** Told when a compaction fails (it is retried at the next trigger; nothing is lost). */
  onCompactionError?: (err: unknown) => void;
  /** Told once about every failed write (its callers get the error too; fire-and-forget callers only this). */
  onWriteError?: (err: unknown) => void;
  /**
   * A failed state.json write rolled the control plane back to what the file holds: what the
   * runtime derived from it (rule indexes, schedules) must be derived again.
   */
  onRolledBack?: () => void;
  /** --move-aside-corrupt-state: start without what is missing instead of refusing. */
  moveAsideCorrupt?: boolean;
  /** Told what start-up went on without (with moveAsideCorrupt); logged at warn. */
  onStartedWithout?: (what: string, fields: Record<string, unknown>) => void;
}

const defaultCompactionSlackLines = 50_000;
/** state.json is written whole again once its journal holds this much, or twice state.json's size if that is more. */
const controlJournalSlackBytes = 1 << 20;

/**
 * The one owner of state, in two parts:
 * - the control plane (namespaces, health checks) is state.json plus its journal: a caller
 *   that names the records it changed (changed(), then persistChanges()) costs an append of
 *   them; persist() (changes not named) writes state.json whole and atomically, as does a
 *   journal grown past its bound;
 * - the delivery side (`delivery`: queue, captures, dead letters, archived events) is the
 *   delivery journal, appended with the records that changed.
 * Actions mutate records in memory, then `await store.persist()`: writes are coalesced, so
 * every caller that changed state while a write was in flight shares the next write, and a
 * caller's promise resolves only once a write that includes its change is on disk.
 */
export class Store {
  private state: State = emptyState();
  /** Namespaces namespace() created, as JSON at creation (see forgetIfUnchanged()). */
  private created = new WeakMap<NamespaceState, string>();
  readonly delivery: DeliveryRecords;
  private scheduled: Promise<void> | undefined;
  private inFlight: Promise<void> = Promise.resolve();
  /** CRC-32 and length of state.json's text as last written: an unchanged control plane is not rewritten. */
  private lastState: { crc: number; length: number } | undefined;
  private compacting: Promise<void> | undefined;
  /** A persist() asked for state.json to be written whole since the last batch. */
  private wholeStateDue = true;
  /** Records changed since the last batch (changed(), namespace()), by path from the state's root. */
  private changes = new Map<string, string[]>();
  /** A failed write rolled back changes that the next scheduled batch's callers made: it fails too. */
  private poison: Error | undefined;

  private constructor(
    private readonly file: StateFile | undefined,
    private readonly journal: DeliveryJournal | undefined,
    private readonly control: ControlJournal | undefined,
    private readonly namespaceFactory: (account: string, region: string) => NamespaceState,
    delivery: DeliveryData | undefined,
    private readonly options: StoreOptions,
  ) {
    this.delivery = new DeliveryRecords(delivery, journal !== undefined, options.maxPendingDeliveries);
  }

  static async open(file: StateFile | undefined, namespaceFactory: (account: string, region: string) => NamespaceState, options: StoreOptions = {}): Promise<Store> {
    const stateExisted = file !== undefined && existsSync(file.path);
    const loaded = file ? await file.read() : undefined;
    if (loaded && loaded.schemaVersion !== schemaVersion && ![1, 2, 3].includes(loaded.schemaVersion)) {
      throw new StateFileError(`State file ${file!.path} has schema version ${loaded.schemaVersion}; this emulator reads versions 1 to ${schemaVersion}.`);
    }
    const journal = file ? (options.journal ?? new DeliveryJournal(dirname(file.path))) : undefined;
    const fromJournal = journal ? await journal.load(loaded !== undefined && loaded.schemaVersion >= 3) : undefined;
    if (file && journal && fromJournal) checkPair(file, journal, stateExisted, loaded, fromJournal, options);
    const { state, legacy } = splitLegacy(loaded);
    // A version 1 state.json held the delivery side. Once a journal exists it was migrated already.
    const migrate = legacy !== undefined && !fromJournal?.found;
    const control = file ? (options.controlJournal ?? new ControlJournal(dirname(file.path))) : undefined;
    const store = new Store(file, journal, control, namespaceFactory, migrate ? legacy : fromJournal?.data, options);
    if (state) store.state = reviveState(state);
    const generation = loaded?.schemaVersion === schemaVersion ? state?.controlJournal : undefined;
    const fromControl = control ? await control.load(generation, (change) => applyChange(store.state, change)) : undefined;
    store.wholeStateDue = false;
    if (file && journal) {
      // state.json before the first journal: a journal without state.json is then always damage.
      if (!loaded || fromControl?.restart) await store.persist();
      await journal.openForAppend();
    }
    if (migrate || fromJournal?.compact) await store.compactNow();
    if (loaded && (loaded.schemaVersion !== schemaVersion || legacy)) await store.persist();
    return store;
  }

  get kind(): 'file' | 'memory' {
    return this.file ? 'file' : 'memory';
  }

  get path(): string | undefined {
    return this.file?.path;
  }

  /** The delivery journal's current file, when there is one. */
  get journalPath(): string | undefined {
    return this.journal?.path;
  }

  /**
   * The (account, region) namespace, created with its default resources on first use. A
   * namespace created so is written with the next write (a request that changes it persists
   * it); until then forgetIfUnchanged() can take it back, so that a refused request leaves
   * neither the namespace nor a write of state.json behind.
   */
  namespace(account: string, region: string): NamespaceState {
    const key = namespaceKey(account, region);
    let ns = this.state.namespaces[key];
    if (!ns) {
      ns = this.namespaceFactory(account, region);
      this.state.namespaces[key] = ns;
      this.created.set(ns, JSON.stringify(ns));
      this.changedAt('namespaces', key);
    }
    return ns;
  }

  /**
   * Name a record of `ns` that changed (created, replaced, mutated or deleted), by its path in
   * the namespace (`'rules', bus, name`): persistChanges() journals its value as it is then.
   * A path may name a whole table (`'rules', bus`).
   */
  changed(ns: NamespaceState, ...path: string[]): void {
    this.changedAt('namespaces', namespaceKey(ns.account, ns.region), ...path);
  }

  /** changed() for a path from the state's root (`'healthChecks', arn`; `'clockOffsetMs'`). */
  changedAt(...path: string[]): void {
    if (!this.file) return;
    this.changes.set(path.join('\u0000'), path);
  }

  /** Remove a namespace namespace() created if it is still exactly as created (nothing used it). */
  forgetIfUnchanged(ns: NamespaceState): void {
    const key = namespaceKey(ns.account, ns.region);
    const asCreated = this.created.get(ns);
    this.created.delete(ns);
    if (asCreated !== undefined && this.state.namespaces[key] === ns && JSON.stringify(ns) === asCreated) {
      delete this.state.namespaces[key];
      this.changes.delete(['namespaces', key].join('\u0000'));
    }
  }

  /** The namespace if it exists, without creating it. */
  findNamespace(account: string, region: string): NamespaceState | undefined {
    return this.state.namespaces[namespaceKey(account, region)];
  }

  /** Route 53 health-check statuses a test set, by ARN (Route 53 is global: no account, no region). */
  get healthChecks(): Record<string, HealthCheckRecord> {
    return (this.state.healthChecks ??= table());
  }

  /** The virtual clock's offset from real time (ms), saved with the control plane; a reset clears it. */
  get clockOffsetMs(): number {
    return this.state.clockOffsetMs ?? 0;
  }

  set clockOffsetMs(ms: number) {
    if (ms === 0) delete this.state.clockOffsetMs;
    else this.state.clockOffsetMs = ms;
  }

  /** Every namespace that exists so far. */
  namespaces(): NamespaceState[] {
    return Object.values(this.state.namespaces);
  }

  /** Forget all state of every account and region. */
  async reset(): Promise<void> {
    // In place: parts of the runtime hold the state objects themselves.
    Object.assign(this.state, emptyState());
    this.clockOffsetMs = 0;
    this.delivery.clear();
    await this.persist();
  }

  /**
   * Resolves once the current in-memory state (including the caller's change) is on disk.
   * The change is not named: state.json is written whole (~20 ms with 10,000 rules). Callers
   * that know what they changed name it (changed()) and call persistChanges().
   */
  persist(): Promise<void> {
    this.wholeStateDue = true;
    return this.schedule();
  }

  /** persist() for a caller that named every control-plane record it changed with changed(): they are appended to the journal. */
  persistChanges(): Promise<void> {
    return this.schedule();
  }

  /**
   * persist() for a caller that changed only the delivery side (through `delivery`): PutEvents
   * and deliveries to targets that touch no control-plane record. A namespace created on the
   * way still reaches the control plane (namespace() names it).
   */
  persistDeliveries(): Promise<void> {
    return this.schedule();
  }

  private schedule(): Promise<void> {
    if (!this.file) return Promise.resolve();
    if (!this.scheduled) {
      const next = this.inFlight.then(async () => {
        // With changes to append, one loop turn first: every request read in this turn joins the
        // batch. Both journals write small batches synchronously (journalLines.ts, syncWriteLimit),
        // so without this wait each PutEvents or PutRule would become a write of its own.
        if (this.delivery.changed || this.changes.size > 0) await new Promise<void>((resolve) => setImmediate(resolve));
        // Changes made up to this point ride on this write; later ones schedule the next.
        this.scheduled = undefined;
        const poisoned = this.poison;
        this.poison = undefined;
        const write = this.writeBatch();
        this.inFlight = write.catch(() => undefined);
        await write;
        if (poisoned) throw poisoned;
      });
      // Some callers do not wait (void store.persist()): a failed write must never become an
      // unhandled rejection. It is reported here once; callers that wait get it as well.
      next.catch((err) => this.options.onWriteError?.(err));
      this.scheduled = next;
    }
    return this.scheduled;
  }

  /** Wait for every pending write and a running compaction (used at shutdown). */
  async flush(): Promise<void> {
    // Whatever is pending, nothing more: an unchanged state.json of 10,000 rules is not rewritten.
    await this.persistChanges();
    await this.compacting?.catch(() => undefined);
  }

  /** Flush (state.json written whole, so that it holds the control plane alone), then release the journals' file handles. */
  async close(): Promise<void> {
    if (this.control?.lines) this.wholeStateDue = true;
    await this.flush();
    await this.journal?.close();
    await this.control?.close();
  }

  /**
   * One coalesced write: the delivery journal batch, then the control plane's changes (appended
   * to its journal, or state.json written whole). A failed delivery append was cut back to its
   * last good byte (journal.ts) and its records go back into the next batch; a failed write
   * of either rolls the control plane back to what its files hold, so a change whose caller
   * got the error stays neither in memory nor on disk.
   */
  private async writeBatch(): Promise<void> {
    const batch = this.delivery.takeBatch();
    // The snapshot's moment is this one: every change before it is in this batch or earlier
    // ones (the old journal), every change after it goes to the next journal.
    const snapshot = batch && this.compactionDue() ? this.delivery.snapshotLines() : undefined;
    const whole = this.wholeStateDue || this.controlJournalDue();
    const changes = this.changes;
    this.wholeStateDue = false;
    this.changes = new Map();
    if (batch) {
      try {
        await this.journal!.append(batch);
      } catch (err) {
        this.delivery.restoreBatch(batch);
        // This batch's callers get the error: their control-plane changes are not written either.
        if (whole || changes.size > 0) await this.rollBack(err);
        throw err;
      }
    }
    if (whole || changes.size > 0) {
      try {
        if (whole) await this.writeWholeState();
        else await this.control!.append(changeRecords(this.state, changes.values()));
      } catch (err) {
        await this.rollBack(err);
        throw err;
      }
    }
    if (snapshot) await this.compact(snapshot);
  }

  /** The control journal outgrew state.json (twice its size, and at least controlJournalSlackBytes). */
  private controlJournalDue(): boolean {
    return this.control !== undefined && this.control.changeBytes > Math.max(controlJournalSlackBytes, 2 * (this.lastState?.length ?? 0));
  }

  /**
   * state.json written whole. Its journal holds changes: they are in this state.json too, so
   * it names a new, empty journal, created before it (see controlJournal.ts).
   */
  private async writeWholeState(): Promise<void> {
    const control = this.control!;
    if (control.lines === 0 && this.lastState !== undefined) {
      this.state.controlJournal = control.generation;
      const text = JSON.stringify(this.state);
      if (text.length === this.lastState.length && crc32(text) === this.lastState.crc) return;
      await this.file!.write(this.state, text);
      this.lastState = { crc: crc32(text), length: text.length };
      return;
    }
    const previous = control.generation;
    const generation = await control.prepare();
    this.state.controlJournal = generation;
    const text = JSON.stringify(this.state);
    try {
      await this.file!.write(this.state, text);
    } catch (err) {
      this.state.controlJournal = previous;
      await control.abandon(generation).catch(() => undefined);
      throw err;
    }
    this.lastState = { crc: crc32(text), length: text.length };
    await control.commit(generation);
  }

  /** Back to what state.json and its journal hold, in place (parts of the runtime hold the state object). */
  private async rollBack(err: unknown): Promise<void> {
    const durable = await this.durableState();
    for (const key of Object.keys(this.state)) if (!(key in durable)) delete (this.state as unknown as Record<string, unknown>)[key];
    Object.assign(this.state, durable);
    // Callers waiting for the next batch changed the state that was just rolled back.
    if (this.scheduled) this.poison = err instanceof Error ? err : new Error(String(err));
    this.options.onRolledBack?.();
  }

  private async durableState(): Promise<State> {
    let text: string;
    try {
      text = await readFile(this.file!.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      return emptyState();
    }
    const durable = stateFromText(text);
    if (durable.controlJournal === this.control!.generation) await this.control!.replay((change) => applyChange(durable, change));
    return durable;
  }

  /** The journal outgrew its live content by a margin (and no compaction is running). */
  private compactionDue(): boolean {
    if (this.compacting) return false;
    const slack = this.options.compactionSlackLines ?? defaultCompactionSlackLines;
    return this.journal!.linesSinceSnapshot > 2 * this.delivery.liveRecordCount() + slack;
  }

  /**
   * Start the next journal, then write the snapshot in the background: ingest goes on
   * (into the new journal) while it is written. Called from the write chain, between batches.
   */
  private async compact(snapshot: Iterable<string>): Promise<void> {
    let generation: number;
    try {
      generation = await this.journal!.rotate();
    } catch (err) {
      this.options.onCompactionError?.(err); // the batch itself is written: its callers are not told
      return;
    }
    this.compacting = this.journal!.writeSnapshot(generation, snapshot)
      .catch((err) => this.options.onCompactionError?.(err))
      .finally(() => (this.compacting = undefined));
  }

  /** Compact at once (start-up: a migration, files of the previous format, damaged files moved aside): everything in memory becomes the snapshot. */
  private async compactNow(): Promise<void> {
    this.delivery.takeBatch(); // the snapshot holds it
    const generation = await this.journal!.rotate();
    await this.journal!.writeSnapshot(generation, this.delivery.snapshotLines());
  }
}

/**
 * The control plane a data folder holds (state.json with its journal replayed), read without
 * changing anything: for tests and tools that look at the files of a running or killed emulator.
 */
export async function readControlPlane(stateFilePath: string): Promise<State> {
  const state = stateFromText(await readFile(stateFilePath, 'utf8'));
  if (state.controlJournal !== undefined) await readControlChanges(join(dirname(stateFilePath), controlJournalName(state.controlJournal)), (change) => applyChange(state, change));
  return state;
}

/** The journal lines of the named records: each one's value as it is now, or its deletion. */
function* changeRecords(state: State, paths: Iterable<string[]>): Iterable<ControlChange> {
  for (const p of paths) {
    let at: unknown = state;
    for (const key of p) at = at === undefined || at === null ? undefined : (at as Record<string, unknown>)[key];
    yield at === undefined ? { p } : { p, v: at };
  }
}

/** Replay one journal line onto a state (tables it needs are created, null-prototype). */
function applyChange(state: State, change: ControlChange): void {
  let at = state as unknown as Record<string, unknown>;
  const last = change.p.length - 1;
  for (let i = 0; i < last; i++) {
    let next = at[change.p[i]];
    if (next === undefined || next === null || typeof next !== 'object') {
      if (change.v === undefined) return; // deleting below something that is not there
      next = table();
      at[change.p[i]] = next;
    }
    at = next as Record<string, unknown>;
  }
  if (change.v === undefined) delete at[change.p[last]];
  else at[change.p[last]] = change.v;
}

function recordCount(data: DeliveryData): number {
  let n = Object.keys(data.deliveries).length;
  for (const lists of [data.captures, data.deadLetters, data.archivedEvents]) for (const key of Object.keys(lists)) n += lists[key].length;
  return n;
}

/** The control plane from state.json's text (start-up reads it through the StateFile, a rollback from the file). */
function stateFromText(text: string): State {
  // Null-prototype tables, as at start-up (see reviveState).
  return reviveState(JSON.parse(text) as State);
}

/**
 * state.json and the delivery journal belong together: one without the other is damage (the
 * store writes state.json before the first journal, and never deletes either).
 */
function checkPair(file: StateFile, journal: DeliveryJournal, stateExisted: boolean, loaded: LegacyState | undefined, fromJournal: LoadedJournal, options: StoreOptions): void {
  const journalNeedsState = fromJournal.found || (fromJournal.exists && !fromJournal.legacy);
  if (!stateExisted && journalNeedsState) {
    if (options.moveAsideCorrupt) return options.onStartedWithout?.('state.json is missing: the control plane starts empty, the delivery journal is kept', { path: file.path });
    throw new StateFileError(
      `State file ${file.path} is unusable: it is missing, but the delivery files in ${journal.dir} hold ${recordCount(fromJournal.data)} records ` +
        `(pending deliveries, captures, dead letters, archived events; their rules and destinations were in the state file). Refusing to start so that no state is lost; ` +
        `restore the file, or start with --move-aside-corrupt-state.`,
    );
  }
  if (loaded !== undefined && loaded.schemaVersion >= 3 && !fromJournal.exists) {
    if (options.moveAsideCorrupt) return options.onStartedWithout?.('the delivery journal is missing: the delivery side starts empty', { dir: journal.dir });
    throw journal.unusable(`${file.path} is there but no deliveries-*.journal is`);
  }
}

/** A version 1 state.json: the control plane, and the delivery side it also held. */
function splitLegacy(loaded: LegacyState | undefined): { state?: State; legacy?: DeliveryData } {
  if (!loaded) return {};
  const { deliveries, captures, deadLetters, archivedEvents, ...rest } = loaded;
  const state: State = { ...rest, schemaVersion };
  if (deliveries === undefined && captures === undefined && deadLetters === undefined && archivedEvents === undefined) return { state };
  return { state, legacy: { deliveries: table(deliveries), captures: table(captures), deadLetters: table(deadLetters), archivedEvents: table(archivedEvents) } };
}
