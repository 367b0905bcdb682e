// In-process A/B of a whole PutEvents call from the server's request callback to the answer's
// `end` (wire, validation, the action, the router, the recent-events list), two built checkouts
// alternating, CPU time; Node's HTTP parser and the socket are left out (stand-in request and
// response objects), so the emulator's own share is isolated from the machine's noise:
//   node bench/putevents/wireHandler.mjs <checkout-A> <checkout-B> [rounds] [--no-rules] [--no-targets]
// The ingest bench's 10 entries, headers (one SigV4-shaped Authorization) and 100 rules (2 matching).
import { EventEmitter } from 'node:events';
import http from 'node:http';
import { syncBuiltinESMExports } from 'node:module';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { authorization, fmt, median } from '../lib/load.mjs';
import { ingestEntries, prepareIngestRules } from '../lib/ingestLoad.mjs';

const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const [a, b] = args;
if (!a || !b) throw new Error('usage: wireHandler.mjs <checkout-A> <checkout-B> [rounds] [--no-rules] [--no-targets]');
const rounds = Number(args[2] ?? 20);
const ruleCount = process.argv.includes('--no-rules') ? 0 : 100;
const withTargets = !process.argv.includes('--no-targets');
const entries = ingestEntries;

class FakeRequest extends EventEmitter {
  method = 'POST';
  url = '/';
  destroyed = false;
  complete = true;
  constructor(headers) {
    super();
    this.headers = headers;
  }
  pause() {}
}

class FakeResponse {
  constructor(done) {
    this.done = done;
  }
  writeHead(status, headers) {
    this.status = status;
    this.headers = headers;
    return this;
  }
  end(body) {
    this.body = body;
    this.done(this);
  }
}

/** The emulator's request callback (its server's), captured from createServer. */
async function load(checkout) {
  const { createEmulator } = await import(pathToFileURL(resolve(checkout, 'dist/src/index.js')).href);
  const original = http.createServer;
  let onRequest;
  http.createServer = (listener) => {
    onRequest = listener;
    return original(listener);
  };
  syncBuiltinESMExports();
  const emulator = await createEmulator({ port: 0, host: '127.0.0.1', dataDir: undefined, logLevel: 'silent' });
  await emulator.listen();
  http.createServer = original;
  syncBuiltinESMExports();
  const call = (operation, input) =>
    new Promise((done) => {
      const body = Buffer.from(JSON.stringify(input));
      const req = new FakeRequest({ 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `AWSEvents.${operation}`, authorization, 'content-length': String(body.length) });
      onRequest(req, new FakeResponse(done));
      req.emit('data', body);
      req.emit('end');
    });
  await prepareIngestRules(call, { rules: ruleCount, matchingTargets: withTargets });
  const body = Buffer.from(JSON.stringify({ Entries: entries }));
  const headers = { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSEvents.PutEvents', authorization, 'content-length': String(body.length) };
  /**
   * `count` calls in waves of 16 (the ingest bench's connections); the next wave waits one loop
   * turn, as a server's next reads do, so timers (the recent events' aging) run between waves.
   */
  const batch = (count) =>
    new Promise((allDone) => {
      let answered = 0;
      const wave = () => {
        let inWave = 0;
        const size = Math.min(16, count - answered);
        const finished = (res) => {
          if (res.status !== 200) throw new Error(`answered ${res.status}: ${res.body}`);
          answered++;
          if (++inWave < size) return;
          if (answered === count) allDone();
          else setImmediate(wave);
        };
        for (let i = 0; i < size; i++) {
          const req = new FakeRequest(headers);
          onRequest(req, new FakeResponse(finished));
          req.emit('data', body);
          req.emit('end');
        }
      };
      wave();
    });
  return { batch, close: () => emulator.close() };
}

// Each checkout runs in a process of its own (two emulators in one process disturbed each other:
// the one loaded second ran ~2x slower, the same build against itself 1.25x), rounds alternating.
const child = process.argv.find((arg) => arg.startsWith('--child='))?.slice('--child='.length);
if (child) {
  const server = await load(child);
  const { PerformanceObserver } = await import('node:perf_hooks');
  let gcMs = 0;
  new PerformanceObserver((list) => list.getEntries().forEach((e) => (gcMs += e.duration))).observe({ entryTypes: ['gc'] });
  process.on('message', async (count) => {
    if (count === 0) {
      await server.close();
      process.exit(0);
    }
    gcMs = 0;
    const t = process.cpuUsage();
    await server.batch(count);
    const used = process.cpuUsage(t);
    // GC entries are delivered on a later turn.
    await new Promise((done) => setImmediate(done));
    process.send({ us: (used.user + used.system) / count, gcUs: (gcMs * 1000) / count });
  });
  process.send('ready');
} else {
  const { fork } = await import('node:child_process');
  const flags = process.argv.slice(2).filter((arg) => arg === '--no-rules' || arg === '--no-targets');
  const children = [a, b].map((checkout) => fork(new URL(import.meta.url).pathname, [a, b, String(rounds), ...flags, `--child=${checkout}`]));
  const ask = (c, message) => new Promise((done) => c.once('message', done).send(message));
  await Promise.all(children.map((c) => new Promise((done) => c.once('message', done))));
  const n = Number(process.env.CALLS ?? 5_000);
  const us = [[], []];
  const gcUs = [[], []];
  for (let round = 0; round < rounds + 2; round++) {
    for (const which of round % 2 ? [1, 0] : [0, 1]) {
      const perCall = await ask(children[which], n);
      if (round >= 2) us[which].push(perCall.us);
      if (round >= 2) gcUs[which].push(perCall.gcUs);
    }
  }
  for (const c of children) c.send(0);
  const text = (v) => `${fmt(median(v), 2)} µs (${fmt(Math.min(...v), 2)}–${fmt(Math.max(...v), 2)})`;
  console.log(`per 10-entry PutEvents, ${rounds} alternating rounds of ${n.toLocaleString('en-US')} (after 2 warm-up rounds), ${ruleCount} rules${withTargets ? '' : ', no targets'}:`);
  console.log(`A ${a}: ${text(us[0])}, of it in GC pauses ${text(gcUs[0])}\nB ${b}: ${text(us[1])}, of it in GC pauses ${text(gcUs[1])}`);
  console.log(`B/A per round: ${us[1].map((x, i) => fmt(x / us[0][i], 2)).join(', ')} (median ${fmt(median(us[1].map((x, i) => x / us[0][i])), 2)})`);
}
