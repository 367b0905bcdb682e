/**
 * What every pipe source needs besides its pipe: where the source's service is (found like the
 * delivery senders find theirs), the SDK clients, a logger, and how long to wait between polls
 * that found nothing. Polls run on real time (the queue or stream is a real service); record ages
 * and batching windows use the pipe's virtual clock (ctx.now()).
 */
import { parseArn } from '../../events/domain/arns.js';
import type { AwsClients, ServiceModule } from '../../../engine/delivery/awsClients.js';
import type { EndpointService, ServiceDirectory } from '../../../engine/delivery/serviceEndpoints.js';
import type { Logger } from '../../../util/log.js';

export interface PipeSourceDeps {
  services: ServiceDirectory;
  clients: AwsClients;
  log?: Logger;
  /** Real-time wait after an empty or failed poll, doubling from min to max (ms). */
  idleBackoffMs?: { min: number; max: number };
  /** How often (real time) a stream source reads its shard list again, to find a reshard's children (default 5 s). */
  shardListRefreshMs?: number;
}

export const defaultIdleBackoffMs = { min: 25, max: 500 };

/** One source's calls to its service, signed for the account and region of the ARN it names. */
export class SourceService<S extends EndpointService> {
  private readonly region: string;
  private readonly account: string;

  constructor(
    private readonly deps: PipeSourceDeps,
    readonly service: S,
    arn: string,
  ) {
    const parsed = parseArn(arn);
    this.region = parsed?.region ?? 'us-east-1';
    this.account = parsed?.account ?? '000000000000';
  }

  /** The endpoint's URL, or undefined when none is configured (the source then reports it and waits). */
  get url(): string | undefined {
    return this.deps.services.endpoint(this.service)?.url;
  }

  async send<T>(build: (module: ServiceModule<S>) => unknown): Promise<T> {
    const url = this.url;
    if (!url) throw new Error(`No endpoint is configured for ${this.service} (AWS_ENDPOINT_URL_${this.service.toUpperCase().replace(/-/g, '_')} or --service-endpoint ${this.service}=<url>)`);
    return (await this.deps.clients.send(this.service, url, this.region, this.deps.services.credentialsFor(this.account), build)) as T;
  }
}

/** Waits that close() cuts short, and the doubling back-off of an idle or failing poller. */
export class IdleWait {
  private delay: number;
  private readonly bounds: { min: number; max: number };
  private readonly wakers = new Set<() => void>();
  private closed = false;

  constructor(bounds: { min: number; max: number } = defaultIdleBackoffMs) {
    this.bounds = bounds;
    this.delay = bounds.min;
  }

  /** Records came: poll again at once next time. */
  reset(): void {
    this.delay = this.bounds.min;
  }

  /** Nothing came (or the service failed): wait, then let the caller poll again. */
  async backOff(): Promise<void> {
    const ms = this.delay;
    this.delay = Math.min(this.bounds.max, this.delay * 2);
    await this.sleep(ms);
  }

  sleep(ms: number): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.wakers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.wakers.add(wake);
    });
  }

  close(): void {
    this.closed = true;
    for (const wake of [...this.wakers]) wake();
  }
}

/** One call at a time: next() must not race itself over one shard's iterator or one buffer. */
export class Serial {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(work: () => Promise<T>): Promise<T> {
    const result = this.tail.then(work, work);
    this.tail = result.catch(() => undefined);
    return result;
  }

  /** Resolves when the work queued so far has finished. */
  async drain(): Promise<void> {
    await this.tail;
  }
}

export function errorText(err: unknown): string {
  const e = err as { name?: string; message?: string };
  return e?.name && e.message && !e.message.startsWith(e.name) ? `${e.name}: ${e.message}` : String(e?.message ?? err);
}

/**
 * An SDK output turned back into the JSON AWS sends: timestamps as epoch seconds (as the
 * Lambda-style records carry them), blobs as base64, no undefined members.
 */
export function wireJson(value: unknown): unknown {
  if (value instanceof Date) return value.getTime() / 1000;
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (Array.isArray(value)) return value.map(wireJson);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = Object.create(null);
    for (const [key, member] of Object.entries(value)) if (member !== undefined && key !== '$metadata') out[key] = wireJson(member);
    return { ...out };
  }
  return value;
}
