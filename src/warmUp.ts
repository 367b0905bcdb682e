/**
 * Start-up warm-up of the delivery path, run by the CLI: a short one before it prints "listening"
 * (warmUpBeforeListening) and the rest after it, while the user's emulator is idle (warmUp).
 *
 * A fresh emulator runs its hot code (the HTTP server, PutEvents, matching, rendering, the
 * engine, the API-destination sender and node's HTTP client) in V8's interpreter until the JIT
 * has seen enough of it: measured at 1,000 single-event PutEvents/s into an API destination,
 * the first 3,000 events cost the main thread 2.1x the CPU per event of the next 3,000, and
 * V8's compiler threads another 0.3 ms per event (docs/performance.md, issue 24). Here a
 * private emulator — its own in-memory store, engine and history, on its own ephemeral
 * loopback port — takes that phase: events through one rule to an API destination at a
 * throwaway loopback sink. V8 keeps the optimized code per function, not per instance, so the
 * user's emulator runs it from its first event, while nothing of the private one (resources,
 * events, deliveries, counters, logs) is ever in the user's state. It runs only while the user's
 * emulator is idle: it pauses while requests reach it (node's `http.server.request.start`
 * diagnostics channel), so it warms what it can before the first events and stays out of their way.
 */
import diagnostics from 'node:diagnostics_channel';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createEmulator } from './index.js';

export interface WarmUpResult {
  events: number;
  delivered: number;
  ms: number;
  /** Of `ms`, the private emulator's start and its connection, destination, rule and target. */
  setupMs?: number;
}

/** Events sent by default: past the point where the cost per event stopped falling (bench/putevents/coldPhase.mjs). */
export const defaultWarmUpEvents = 1_500;
/** After "listening", one request at a time: a closed loop of one takes a small share of the event loop once real requests arrive (they are many in flight; it is one). */
const concurrencyAfterListening = 1;
/** Before it, nobody else waits: several in flight get more events through the budget than one round trip at a time. */
const concurrencyBeforeListening = 8;
/** How long the warm-up waits after any request to the user's emulator (or any other server of the process). */
const quietMs = 200;
/** The warm-up gives up once it has waited this long in all. */
const maxWaitMs = 60_000;

// A SigV4-shaped header as the SDKs send (the private emulator does not verify it; it parses it for the account).
const authorization = 'AWS4-HMAC-SHA256 Credential=AKIDWARMUP/20260101/us-east-1/events/aws4_request, SignedHeaders=host;x-amz-date, Signature=0';

/**
 * How long the warm-up before "listening" may take by default: none. Measured on a quiet 2-core
 * machine (docs/performance.md, "A fresh emulator's first 3 s", 2026-12-03): its one round of 8
 * events took 60-93 ms of start-up (10,000 rules: 431 ms to "listening" with it, the limit is
 * 400), for 4 ms less on the slowest of the first 10 events and no first-3-s p99 gain that four
 * runs per budget could show. EVENTBRIDGE_LOCAL_WARM_UP_BEFORE_LISTENING_MS=<ms> turns it on.
 */
export const defaultWarmUpBeforeListeningMs = 0;

/**
 * The first events of a fresh process pay for what happens once: each function's first call
 * (parsed and compiled to bytecode lazily), its inline caches, node's HTTP server and client
 * paths, first allocations of the engine's tables. A user's load that starts as soon as
 * "listening" is printed (the latency bench's, a test suite's) meets all of that in its first
 * 100 ms, and the warm-up after "listening" cannot help: it waits for the user to be idle. So a
 * private emulator runs events for `budgetMs` before the user's emulator listens (start-up pays
 * that, measured in bench/startup).
 */
export async function warmUpBeforeListening(budgetMs = defaultWarmUpBeforeListeningMs, events = defaultWarmUpEvents): Promise<WarmUpResult> {
  const started = performance.now();
  // One round of `concurrency` events whatever the budget: the first events are the ones that pay the most.
  let begun = 0;
  const withinBudget = async () => begun++ < concurrencyBeforeListening || performance.now() - started < budgetMs;
  return warmUpPrivateEmulator(events, concurrencyBeforeListening, new Set(), withinBudget, started, () => Math.max(0, budgetMs - (performance.now() - started)));
}

/** `userBusy`: whether the user's emulator has work of its own (e.g. deliveries pending), checked before each warm-up event. */
export async function warmUp(events = defaultWarmUpEvents, userBusy: () => boolean = () => false): Promise<WarmUpResult> {
  const started = performance.now();
  // The user's requests come first: nothing of the warm-up runs while one arrived in the last
  // `quietMs` (the start counts as one: the first requests usually follow "listening" at once).
  const ownPorts = new Set<number>();
  let lastUserRequest = performance.now();
  // Whose a connection is, told once per socket: socket.localPort asks the OS (getsockname), and
  // this runs for every request the process serves while the warm-up waits (up to maxWaitMs under
  // a steady load). Profile of the latency bench, 10-16 s after start: ~4 us per request before.
  // (A socket's port is in ownPorts before its first request: each is added as soon as it listens.)
  const ownSockets = new WeakMap<object, boolean>();
  const noteRequest = (message: unknown) => {
    const socket = (message as { socket?: { localPort?: number } }).socket;
    let own = socket === undefined ? false : ownSockets.get(socket);
    if (own === undefined) ownSockets.set(socket!, (own = ownPorts.has(socket!.localPort ?? -1)));
    if (!own) lastUserRequest = performance.now();
  };
  let waited = 0;
  /** Resolves once the user's emulator is idle; false when it never was within maxWaitMs. */
  const quiet = async () => {
    while ((performance.now() - lastUserRequest < quietMs || userBusy()) && waited < maxWaitMs) {
      await new Promise((resolve) => setTimeout(resolve, quietMs));
      waited += quietMs;
    }
    return waited < maxWaitMs;
  };
  diagnostics.subscribe('http.server.request.start', noteRequest);
  try {
    if (!(await quiet())) return { events, delivered: 0, ms: performance.now() - started };
    return await warmUpPrivateEmulator(events, concurrencyAfterListening, ownPorts, quiet, started, () => 30_000);
  } finally {
    diagnostics.unsubscribe('http.server.request.start', noteRequest);
  }
}

/**
 * `mayGoOn`: checked before each event; `settleMs`: how long to wait, after the last event, for
 * the deliveries still on their way. At most `concurrency` deliveries trail the events sent: the
 * delivery path is the one to warm, and a queue that grows only delays it.
 */
async function warmUpPrivateEmulator(events: number, concurrency: number, ownPorts: Set<number>, mayGoOn: () => Promise<boolean>, started: number, settleMs: () => number): Promise<WarmUpResult> {
  let sent = 0;
  let setupMs: number | undefined;
  const sink = await startSink();
  ownPorts.add(sink.port);
  const emulator = await createEmulator({ dataDir: undefined, host: '127.0.0.1', port: 0, logLevel: 'silent', requireAuth: false, strict: false });
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  try {
    const { port } = await emulator.listen();
    ownPorts.add(port);
    const call = (operation: string, input: unknown) => post(agent, port, operation, JSON.stringify(input));
    const connection = JSON.parse(await call('CreateConnection', { Name: 'warm-up', AuthorizationType: 'API_KEY', AuthParameters: { ApiKeyAuthParameters: { ApiKeyName: 'x-api-key', ApiKeyValue: 'warm-up' } } }));
    const destination = JSON.parse(await call('CreateApiDestination', { Name: 'warm-up', ConnectionArn: connection.ConnectionArn, InvocationEndpoint: `http://127.0.0.1:${sink.port}/events`, HttpMethod: 'POST', InvocationRateLimitPerSecond: 100_000 }));
    await call('PutRule', { Name: 'warm-up', EventPattern: '{"source":["warm-up"]}' });
    await call('PutTargets', { Rule: 'warm-up', Targets: [{ Id: 'sink', Arn: destination.ApiDestinationArn, RoleArn: 'arn:aws:iam::000000000000:role/warm-up' }] });
    setupMs = performance.now() - started;
    const loop = async () => {
      while (sent < events) {
        await sink.arrived(sent - concurrency, settleMs());
        if (!(await mayGoOn())) return; // out of budget, or a user's emulator that is never idle: free the private one
        const seq = sent++;
        await call('PutEvents', { Entries: [{ Source: 'warm-up', DetailType: 'Tick', Detail: JSON.stringify({ seq }) }] });
      }
    };
    await Promise.all(Array.from({ length: concurrency }, loop));
    await sink.arrived(sent, settleMs());
  } finally {
    agent.destroy();
    await emulator.close();
    await sink.close();
  }
  return { events: sent, delivered: sink.delivered(), ms: performance.now() - started, setupMs };
}

/** The throwaway loopback sink of the private emulator's API destination: it counts what arrives. */
async function startSink() {
  let delivered = 0;
  const waiting = new Set<{ count: number; resolve: () => void }>();
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'Content-Type': 'application/json' }).end('{}');
      delivered++;
      for (const w of waiting) if (delivered >= w.count) w.resolve();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    delivered: () => delivered,
    /** Resolves once `count` deliveries arrived, or after `timeoutMs`. */
    arrived(count: number, timeoutMs: number): Promise<void> {
      if (delivered >= count) return Promise.resolve();
      return new Promise<void>((resolve) => {
        const w = { count, resolve: () => {} };
        const timer = setTimeout(() => w.resolve(), timeoutMs);
        w.resolve = () => {
          clearTimeout(timer);
          waiting.delete(w);
          resolve();
        };
        waiting.add(w);
      });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function post(agent: http.Agent, port: number, operation: string, body: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        path: '/',
        method: 'POST',
        agent,
        headers: { 'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': `AWSEvents.${operation}`, Authorization: authorization, 'Content-Length': Buffer.byteLength(body) },
      },
      (res) => {
        let data = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (data += chunk));
        res.on('end', () => (res.statusCode === 200 ? resolve(data) : reject(new Error(`${operation}: HTTP ${res.statusCode} ${data.slice(0, 200)}`))));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
