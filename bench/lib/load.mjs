// Shared benchmark helpers: child-process servers on loopback and a bounded
// closed-loop load generator. Every loop stops by itself (count and time bounds).
import http from 'node:http';
import net from 'node:net';
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('../../', import.meta.url));

/** Start a server script as a child process; resolves with its URL once it prints "listening on <url>". */
// Servers started here die with the bench: a bench that throws must not leave them running.
const children = new Set();
process.on('exit', () => children.forEach((c) => c.kill('SIGKILL')));
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(130));

export function startServer(args, env = {}) {
  const child = spawn(process.execPath, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  children.add(child);
  child.once('exit', () => children.delete(child));
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const url = /listening on (http:\/\/\S+)/.exec(out)?.[1];
      if (url) resolve({ url, child, stop: () => new Promise((r) => { child.once('exit', r); child.kill('SIGTERM'); }) });
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}: ${out}`)));
  });
}

/**
 * Now on the machine's monotonic clock, ms: process.hrtime reads CLOCK_MONOTONIC, one clock for
 * every process on the machine, which bench/lib/sinkServer.mjs notes arrivals with. (Not
 * performance.timeOrigin + now(): each process fixes its own timeOrigin, and the two processes'
 * sums disagreed by more than the latency measured: medians came out negative.)
 */
export const monotonicNow = () => Number(process.hrtime.bigint()) / 1e6;

/** The delivery benches' HTTP sink, in its own process (see bench/lib/sinkServer.mjs). */
export async function startSink() {
  const server = await startServer(['bench/lib/sinkServer.mjs']);
  // A connection of its own per call: a kept-alive one may sit idle past the sink's keep-alive
  // timeout between phases and be reset just as it is reused.
  const get = async (path) => JSON.parse((await postClosing(server.url + path, '{}')).body);
  return {
    url: server.url,
    /** { count, last, arrivals: Map seq -> arrival time } */
    async arrivals() {
      const r = await get('/_sink/arrivals');
      return { count: r.count, last: r.last, arrivals: new Map(r.arrivals) };
    },
    /** arrivals() once `count` requests arrived, or when `timeoutMs` ran out. */
    async until(count, timeoutMs = 30_000) {
      const deadline = performance.now() + timeoutMs;
      for (;;) {
        const got = await this.arrivals();
        if (got.count >= count || performance.now() >= deadline) return got;
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    reset: () => get('/_sink/reset'),
    /**
     * Check that the sink's clock is this process's: its reading must fall between ours before
     * and after asking (else every latency measured against it is wrong). Returns the round trip, ms.
     */
    async checkClock() {
      for (let i = 0; i < 5; i++) {
        const before = monotonicNow();
        const { now } = await get('/_sink/now');
        const after = monotonicNow();
        if (now < before || now > after) throw new Error(`the sink's clock is not the bench's: ${now} is outside [${before}, ${after}]`);
      }
    },
    close: () => server.stop(),
  };
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

export function post(url, headers, body) {
  return send(url, { method: 'POST', agent, headers: { ...headers, 'Content-Length': Buffer.byteLength(body) } }, body);
}

/** A POST over a connection of its own, closed after the answer (`Connection: close`), as the emulator delivers. */
export function postClosing(url, body) {
  const headers = { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) };
  return send(url, { method: 'POST', headers, createConnection: (o) => new net.Socket().connect(o) }, body);
}

function send(url, options, body) {
  return new Promise((resolve, reject) => {
    const onResponse = (res) => {
      let data = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (data += d));
      res.on('end', () => resolve({ status: res.statusCode, body: data }));
    };
    const req = options === undefined ? http.request(url, onResponse) : http.request(url, options, onResponse);
    req.on('error', reject);
    req.end(body);
  });
}

// A SigV4-shaped Authorization header (never verified by either server): moto reads the
// region from its credential scope; the emulator reads account and region from it.
export const authorization = 'AWS4-HMAC-SHA256 Credential=AKIDBENCH/20260101/us-east-1/events/aws4_request, SignedHeaders=host;x-amz-date, Signature=0';

export function awsCall(url, operation, input, target = `AWSEvents.${operation}`, contentType = 'application/x-amz-json-1.1') {
  return post(url + '/', { 'Content-Type': contentType, 'X-Amz-Target': target, Authorization: authorization }, JSON.stringify(input));
}

/**
 * The same AWS call over and over, its body serialized and its headers built once: a load
 * generator that re-serializes every request spends more CPU per request than the bare server
 * it measures (0.08-0.15 vs 0.07-0.10 ms, measured), and on 2 cores that caps the ceiling.
 */
export function preparedAwsCall(url, operation, input) {
  const body = JSON.stringify(input);
  const { hostname, port } = new URL(url);
  const headers = preparedHeaders(operation, body);
  const options = { method: 'POST', agent, hostname, port, path: '/', headers };
  return () => send(options, undefined, body);
}

/**
 * preparedAwsCall's request as raw bytes over kept-alive sockets: the whole request (request line,
 * headers, body) is built once, written as one Buffer, and an answer is read only as far as its
 * status and Content-Length. node's HTTP client cost the generator about as much CPU per request
 * as the bare server it measured (1.19x in a full run), so on 2 cores it bounded the ceiling's
 * requests/s and pulled every ratio toward 1; this costs a fraction of that (printed by the
 * ingest bench). Same headers as preparedAwsCall plus the Host and Connection node adds.
 * An answer without Content-Length (chunked) is an error: both servers measured answer with it.
 */
export function rawAwsCall(url, operation, input) {
  const body = JSON.stringify(input);
  const { hostname, port } = new URL(url);
  const headers = { Host: `${hostname}:${port}`, ...preparedHeaders(operation, body), Connection: 'keep-alive' };
  const head = `POST / HTTP/1.1\r\n${Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`).join('')}\r\n`;
  const bytes = Buffer.from(head + body, 'utf8');
  const idle = [];
  const connect = () =>
    new Promise((resolve, reject) => {
      const socket = net.connect({ host: hostname, port: Number(port) });
      socket.setNoDelay(true);
      // An idle socket the server closes (it stopped, or its keep-alive timeout) leaves the pool quietly.
      socket.on('error', () => {});
      socket.on('close', () => {
        const i = idle.indexOf(socket);
        if (i >= 0) idle.splice(i, 1);
      });
      socket.once('connect', () => resolve(socket));
      socket.once('error', reject);
    });
  return async function request() {
    const socket = idle.pop() ?? (await connect());
    return new Promise((resolve, reject) => {
      let pending = null;
      const done = (err, result) => {
        socket.off('data', onData);
        socket.off('close', onClose);
        socket.off('error', onClose);
        if (err) {
          socket.destroy();
          reject(err);
        } else {
          if (!result.close) idle.push(socket);
          else socket.end();
          resolve(result);
        }
      };
      const onClose = (err) => done(err instanceof Error ? err : new Error('the server closed the connection before answering'));
      const onData = (chunk) => {
        pending = pending === null ? chunk : Buffer.concat([pending, chunk]);
        const end = pending.indexOf('\r\n\r\n');
        if (end < 0) return;
        const headText = pending.toString('latin1', 0, end).toLowerCase();
        const length = /\r\ncontent-length: *(\d+)/.exec(headText);
        if (!length) return done(new Error(`an answer without Content-Length: ${headText.slice(0, 200)}`));
        if (pending.length < end + 4 + Number(length[1])) return;
        if (pending.length > end + 4 + Number(length[1])) return done(new Error('more bytes than one answer'));
        done(null, { status: Number(headText.slice(9, 12)), close: /\r\nconnection: *close/.test(headText) });
      };
      socket.on('data', onData);
      socket.once('close', onClose);
      socket.once('error', onClose);
      socket.write(bytes);
    });
  };
}

/** The headers of a prepared AWS call (preparedAwsCall, rawAwsCall): both generators send the same ones. */
function preparedHeaders(operation, body) {
  return { 'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': `AWSEvents.${operation}`, Authorization: authorization, 'Content-Length': Buffer.byteLength(body) };
}

/** An AWS call that must succeed; returns the parsed answer. */
export async function awsOk(url, operation, input) {
  const res = await awsCall(url, operation, input);
  if (res.status !== 200) throw new Error(`${operation} -> ${res.status} ${res.body.slice(0, 300)}`);
  return JSON.parse(res.body || '{}');
}

/** Run `task(i)` for i in [0, count) from `concurrency` loops. */
export async function forEachConcurrent(count, concurrency, task) {
  let next = 0;
  const loop = async () => {
    while (next < count) await task(next++);
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
}

/** A free loopback port (for servers that cannot report the one they picked). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** The real moto_server script behind the pyenv shim, so the child's pid is the Python process. */
function motoCommand() {
  try {
    return execFileSync('pyenv', ['which', 'moto_server'], { encoding: 'utf8' }).trim();
  } catch {
    return process.env.MOTO_SERVER ?? 'moto_server';
  }
}

/**
 * Spawn a server on a chosen port and poll it with `probe(url)` until it answers;
 * resolves with the time from spawn to the first answer (ms).
 */
export async function spawnAndWait(command, args, url, probe, { env = {}, timeoutMs = 60_000 } = {}) {
  const t0 = performance.now();
  const child = spawn(command, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr = (stderr + d).slice(-4000)));
  let exited = false;
  child.once('exit', () => (exited = true));
  const stop = () => new Promise((r) => {
    if (exited) return r();
    child.once('exit', r);
    child.kill('SIGTERM');
  });
  while (performance.now() - t0 < timeoutMs) {
    if (exited) throw new Error(`${command} exited before answering: ${stderr}`);
    try {
      const res = await probe(url);
      if (res.status === 200) return { url, child, stop, startupMs: performance.now() - t0 };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  await stop();
  throw new Error(`${command} did not answer within ${timeoutMs} ms: ${stderr}`);
}

/** moto_server on 127.0.0.1 and a free port. */
export async function startMoto() {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  return spawnAndWait(motoCommand(), ['-H', '127.0.0.1', '-p', String(port)], url, (u) => awsCall(u, 'ListRules', {}));
}

/**
 * The emulator's node command line as `npm start` runs it (package.json's "start" script,
 * node flags included), so the benches measure what users start.
 */
export const emulatorCommand = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).scripts.start.split(/\s+/).slice(1);
/** `npm start`'s node flags alone: the emulator's, and every bare peer's (like with like). */
export const nodeFlags = emulatorCommand.slice(0, -1);

/** The emulator on 127.0.0.1 and a free port, `--in-memory` unless `dataDir` is given. */
export async function startEmulator(dataDir) {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const store = dataDir ? ['--data-dir', dataDir] : ['--in-memory'];
  return spawnAndWait(process.execPath, [...emulatorCommand, '--port', String(port), '--log-level', 'silent', ...store], url, (u) => awsCall(u, 'ListRules', {}));
}

/** Resident and peak resident memory of a process, MB, from /proc/<pid>/status. */
export function memoryOf(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rssMb: kb('VmRSS') / 1024, hwmMb: kb('VmHWM') / 1024 };
}

/** BENCH_QUICK=1 or --quick: shorter rounds for a run of a few minutes. */
export const quick = ['1', 'true'].includes(process.env.BENCH_QUICK ?? '') || process.argv.includes('--quick');

/**
 * One row of `npm run bench`'s summary table (bench/run.js collects them from the file
 * named by BENCH_RESULTS; standalone runs just print their own tables):
 *   { row, metric, today?, emulator, competitors, ratio, goal, met }
 * `row`: the issue 24 table row it measures, one of 'matching', 'rules-growth', 'ingest', 'latency',
 * 'putrule-json', 'rss-10k', 'startup' (bench/run.js; without it the metric's wording places it).
 * `today`: the issue's figure for this very metric, when it is not the row's. `competitors`: the
 * ceiling or peer measured in the same run. `ratio`: the median over rounds and its min–max.
 */
export function record(row) {
  if (process.env.BENCH_RESULTS) appendFileSync(process.env.BENCH_RESULTS, JSON.stringify(row) + '\n');
}

/** Run `request()` from `concurrency` loops for `seconds` (or `maxRequests`); returns requests/s and latencies. */
export async function closedLoop(request, { concurrency = 16, seconds = 3, maxRequests = 1_000_000 } = {}) {
  const latencies = [];
  let sent = 0;
  let failed = 0;
  const start = performance.now();
  const deadline = start + seconds * 1000;
  async function loop() {
    while (performance.now() < deadline && sent < maxRequests) {
      sent++;
      const t = performance.now();
      const res = await request();
      if (res.status !== 200) failed++;
      latencies.push(performance.now() - t);
    }
  }
  await Promise.all(Array.from({ length: concurrency }, loop));
  const elapsed = (performance.now() - start) / 1000;
  return { rps: latencies.length / elapsed, seconds: elapsed, failed, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

/**
 * The request sent `rate` times a second for `seconds` (at most `concurrency` outstanding): every
 * build then does the same work per second, so CPU per request is compared at one rate (under a
 * closed loop it follows the rate, which the machine's neighbours move). When the server cannot
 * keep up, the rate achieved (rps) falls below `rate`: compare only rounds that kept it.
 */
export async function pacedLoop(request, { rate, seconds = 3, concurrency = 16 }) {
  const total = Math.floor(rate * seconds);
  let next = 0;
  let done = 0;
  let failed = 0;
  const start = performance.now();
  async function loop() {
    while (next < total) {
      const due = start + (next++ * 1000) / rate;
      const wait = due - performance.now();
      if (wait >= 1) await new Promise((resolve) => setTimeout(resolve, wait));
      const res = await request();
      if (res.status !== 200) failed++;
      done++;
    }
  }
  await Promise.all(Array.from({ length: concurrency }, loop));
  const elapsed = (performance.now() - start) / 1000;
  return { rps: done / elapsed, seconds: elapsed, failed };
}

export function percentile(values, p) {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export function median(values) {
  return percentile(values, 50);
}

export function fmt(n, digits = 0) {
  return Number.isFinite(n) ? n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }) : '-';
}

const tempDirs = [];
process.on('exit', () => tempDirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A fresh directory under the OS temp dir, removed when the bench process exits. */
export function tempDir(prefix = 'ebl-bench-') {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

/**
 * In-process A/B of two request functions (each returns a match count): alternating rounds of `n`
 * calls after 2 warm-up rounds, CPU µs per call; prints A, B and B/A per round. `expected`: the
 * count each call must return (a build that matched differently is no comparison).
 */
export function alternatingCpuRounds([a, b], requests, { rounds, n = 20_000, expected, what }) {
  const us = [[], []];
  for (let round = 0; round < rounds + 2; round++) {
    for (const which of round % 2 ? [1, 0] : [0, 1]) {
      const request = requests[which];
      let sink = 0;
      const t = process.cpuUsage();
      for (let i = 0; i < n; i++) sink += request();
      const used = process.cpuUsage(t);
      if (sink !== n * expected) throw new Error(`unexpected matches: ${sink}`);
      if (round >= 2) us[which].push((used.user + used.system) / n);
    }
  }
  const text = (v) => `${fmt(median(v), 2)} µs (${fmt(Math.min(...v), 2)}–${fmt(Math.max(...v), 2)})`;
  console.log(`${what}, ${rounds} alternating rounds of ${n.toLocaleString('en-US')} (after 2 warm-up rounds):`);
  console.log(`A ${a}: ${text(us[0])}\nB ${b}: ${text(us[1])}`);
  console.log(`B/A per round: ${us[1].map((x, i) => fmt(x / us[0][i], 2)).join(', ')}`);
}
