/**
 * Start-up warm-up of the delivery path, run by the CLI after it printed "listening".
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
}

/** Events sent by default: past the point where the cost per event stopped falling (bench/putevents/coldPhase.mjs). */
export const defaultWarmUpEvents = 1_500;
/** One request at a time: a closed loop of one takes a small share of the event loop once real requests arrive (they are many in flight; it is one). */
const concurrency = 1;
/** How long the warm-up waits after any request to the user's emulator (or any other server of the process). */
const quietMs = 200;
/** The warm-up gives up once it has waited this long in all. */
const maxWaitMs = 60_000;

// A SigV4-shaped header as the SDKs send (the private emulator does not verify it; it parses it for the account).
const authorization = 'AWS4-HMAC-SHA256 Credential=AKIDWARMUP/20260101/us-east-1/events/aws4_request, SignedHeaders=host;x-amz-date, Signature=0';

/** `userBusy`: whether the user's emulator has work of its own (e.g. deliveries pending), checked before each warm-up event. */
export async function warmUp(events = defaultWarmUpEvents, userBusy: () => boolean = () => false): Promise<WarmUpResult> {
  const started = performance.now();
  // The user's requests come first: nothing of the warm-up runs while one arrived in the last
  // `quietMs` (the start counts as one: the first requests usually follow "listening" at once).
  const ownPorts = new Set<number>();
  let lastUserRequest = performance.now();
  const noteRequest = (message: unknown) => {
    if (!ownPorts.has((message as { socket?: { localPort?: number } }).socket?.localPort ?? -1)) lastUserRequest = performance.now();
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
    return await warmUpPrivateEmulator(events, ownPorts, quiet, started);
  } finally {
    diagnostics.unsubscribe('http.server.request.start', noteRequest);
  }
}

async function warmUpPrivateEmulator(events: number, ownPorts: Set<number>, quiet: () => Promise<boolean>, started: number): Promise<WarmUpResult> {
  let delivered = 0;
  let allDelivered = () => {};
  const done = new Promise<void>((resolve) => (allDelivered = resolve));
  const sink = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'Content-Type': 'application/json' }).end('{}');
      if (++delivered >= events) allDelivered();
    });
  });
  await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve));
  const sinkPort = (sink.address() as AddressInfo).port;
  ownPorts.add(sinkPort);
  const emulator = await createEmulator({ dataDir: undefined, host: '127.0.0.1', port: 0, logLevel: 'silent', requireAuth: false, strict: false });
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  try {
    const { port } = await emulator.listen();
    ownPorts.add(port);
    const call = (operation: string, input: unknown) => post(agent, port, operation, JSON.stringify(input));
    const connection = JSON.parse(await call('CreateConnection', { Name: 'warm-up', AuthorizationType: 'API_KEY', AuthParameters: { ApiKeyAuthParameters: { ApiKeyName: 'x-api-key', ApiKeyValue: 'warm-up' } } }));
    const destination = JSON.parse(await call('CreateApiDestination', { Name: 'warm-up', ConnectionArn: connection.ConnectionArn, InvocationEndpoint: `http://127.0.0.1:${sinkPort}/events`, HttpMethod: 'POST', InvocationRateLimitPerSecond: 100_000 }));
    await call('PutRule', { Name: 'warm-up', EventPattern: '{"source":["warm-up"]}' });
    await call('PutTargets', { Rule: 'warm-up', Targets: [{ Id: 'sink', Arn: destination.ApiDestinationArn, RoleArn: 'arn:aws:iam::000000000000:role/warm-up' }] });
    let next = 0;
    const loop = async () => {
      while (next < events) {
        if (!(await quiet())) return; // a user's emulator that is never idle: give up, and free the private one
        const seq = next++;
        await call('PutEvents', { Entries: [{ Source: 'warm-up', DetailType: 'Tick', Detail: JSON.stringify({ seq }) }] });
      }
    };
    await Promise.all(Array.from({ length: concurrency }, loop));
    if (next >= events) await Promise.race([done, new Promise((resolve) => setTimeout(resolve, 30_000).unref())]);
  } finally {
    agent.destroy();
    await emulator.close();
    await new Promise((resolve) => sink.close(resolve));
  }
  return { events, delivered, ms: performance.now() - started };
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
