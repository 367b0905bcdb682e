import { emptyState, namespaceKey, schemaVersion, type HealthCheckRecord, type NamespaceState, type State } from './schema.js';
import { StateFileError, type StateFile } from './lowdbFile.js';

/**
 * The one owner of state. Actions mutate records in memory through `namespace()`,
 * then `await store.persist()`: writes are coalesced, so every caller that changed
 * state while a write was in flight shares the next write, and a caller's promise
 * resolves only once a write that includes its change is on disk.
 */
export class Store {
  private state: State = emptyState();
  private scheduled: Promise<void> | undefined;
  private inFlight: Promise<void> = Promise.resolve();
  private namespaceFactory: (account: string, region: string) => NamespaceState;

  private constructor(
    private readonly file: StateFile | undefined,
    namespaceFactory: (account: string, region: string) => NamespaceState,
  ) {
    this.namespaceFactory = namespaceFactory;
  }

  static async open(file: StateFile | undefined, namespaceFactory: (account: string, region: string) => NamespaceState): Promise<Store> {
    const store = new Store(file, namespaceFactory);
    const loaded = file ? await file.read() : undefined;
    if (loaded) {
      if (loaded.schemaVersion !== schemaVersion) {
        throw new StateFileError(`State file ${file!.path} has schema version ${loaded.schemaVersion}; this emulator reads version ${schemaVersion}.`);
      }
      store.state = loaded;
    }
    return store;
  }

  get kind(): 'file' | 'memory' {
    return this.file ? 'file' : 'memory';
  }

  get path(): string | undefined {
    return this.file?.path;
  }

  /** The (account, region) namespace, created with its default resources on first use. */
  namespace(account: string, region: string): NamespaceState {
    const key = namespaceKey(account, region);
    let ns = this.state.namespaces[key];
    if (!ns) {
      ns = this.namespaceFactory(account, region);
      this.state.namespaces[key] = ns;
      void this.persist();
    }
    return ns;
  }

  /** The namespace if it exists, without creating it. */
  findNamespace(account: string, region: string): NamespaceState | undefined {
    return this.state.namespaces[namespaceKey(account, region)];
  }

  /** The durable delivery queue and the records delivery keeps (captures, dead letters). */
  get delivery(): Pick<State, 'deliveries' | 'captures' | 'deadLetters' | 'archivedEvents'> {
    return this.state;
  }

  /** Route 53 health-check statuses a test set, by ARN (Route 53 is global: no account, no region). */
  get healthChecks(): Record<string, HealthCheckRecord> {
    return (this.state.healthChecks ??= {});
  }

  /** Every namespace that exists so far. */
  namespaces(): NamespaceState[] {
    return Object.values(this.state.namespaces);
  }

  /** Forget all state of every account and region. */
  async reset(): Promise<void> {
    // In place: parts of the runtime hold the state object itself.
    Object.assign(this.state, emptyState());
    await this.persist();
  }

  /** Resolves once the current in-memory state (including the caller's change) is on disk. */
  persist(): Promise<void> {
    if (!this.file) return Promise.resolve();
    if (!this.scheduled) {
      const file = this.file;
      this.scheduled = this.inFlight.then(async () => {
        // Changes made up to this point ride on this write; later ones schedule the next.
        this.scheduled = undefined;
        const write = file.write(this.state);
        this.inFlight = write.catch(() => undefined);
        await write;
      });
    }
    return this.scheduled;
  }

  /** Wait for every pending write (used at shutdown). */
  async flush(): Promise<void> {
    await this.persist();
  }
}
