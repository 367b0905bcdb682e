// Two emulators alive at once under the ingest bench's load (100 rules, 2 matching with captured SQS
// targets), the load moving between them in short windows, so that both meet the same phases of the
// machine (a slow phase of a minute or more lands on one server slot of bench/putevents/run.mjs and not
// on the next: docs/performance.md, "the slow phases are the emulator's"). Server CPU per request (all
// threads, /proc/<pid>/task/*/schedstat) per window, and B/A per pair of windows.
//   node bench/putevents/alternate.mjs <checkout-A> <checkout-B> [windows=12] [seconds=1.5] [--flags-b="<node flags>"] [--no-targets] [--pin]
// A checkout is a built clone (its dist/src/cli.js); the same one twice measures the method's own spread.
// --flags-b: node flags for B instead of npm start's (e.g. "--v8-pool-size=1 --interrupt-budget=16384" to try a V8 flag).
// Both run without the start-up warm-up (EVENTBRIDGE_LOCAL_WARM_UP=0) and get 6 s of load before the windows.
// A checkout named `bare` is the ingest bench's ceiling (bench/putevents/bareServer.mjs), `bare+N` the ceiling
// with N µs of extra CPU work per request: `alternate.mjs <checkout> bare` is the emulator against the ceiling.
// --pin: both servers on CPU 0 (all their threads, taskset) and this process (the load generator) on CPU 1.
// The machine's slow spells are the CPU's (a server pinned to it slows, whichever it is: docs/performance.md,
// 2026-12-04 #2); pinned, both servers meet the same ones, and the ratio holds through them.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { awsCall, awsOk, closedLoop, fmt, freePort, nodeFlags, rawAwsCall, spawnAndWait, startServer } from '../lib/load.mjs';
import { ingestEntries, prepareIngestRules } from '../lib/ingestLoad.mjs';

const args = process.argv.slice(2);
const positional = args.filter((a) => !a.startsWith('--'));
const [a, b] = positional;
if (!a || !b) throw new Error('usage: node bench/putevents/alternate.mjs <checkout-A> <checkout-B|bare|bare+N> [windows] [seconds] [--flags-b="..."] [--no-targets] [--pin]');
const windows = Number(positional[2] ?? 12);
const seconds = Number(positional[3] ?? 1.5);
const flagsB = args.find((x) => x.startsWith('--flags-b='))?.slice('--flags-b='.length).split(/\s+/).filter(Boolean);
const withTargets = !args.includes('--no-targets');
const pin = args.includes('--pin');

/** All threads of process `pid` on `cpu` (threads made later inherit it). */
function pinTo(pid, cpu) {
  try {
    execFileSync('taskset', ['-a', '-p', '-c', String(cpu), String(pid)], { stdio: 'ignore' });
  } catch (err) {
    throw new Error(err.code === 'ENOENT' ? '--pin needs taskset: install util-linux (apt-get install util-linux)' : `taskset failed: ${err.message}`);
  }
}
if (pin) {
  if (availableParallelism() < 2) throw new Error('--pin needs 2 CPUs: one for the servers, one for the load generator');
  pinTo(process.pid, 1);
}

/** Run time of all the process's threads so far, ms. */
function runMs(pid) {
  let ns = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
  return ns / 1e6;
}

async function start(checkout, flags) {
  const bare = /^bare(?:\+(\d+(?:\.\d+)?))?$/.exec(checkout);
  const server = bare ? await startServer([...flags, 'bench/putevents/bareServer.mjs'], { BARE_EXTRA_US: bare[1] ?? '0' }) : await startEmulatorOf(checkout, flags);
  if (pin) pinTo(server.child.pid, 0);
  if (!bare) await prepareIngestRules((operation, input) => awsOk(server.url, operation, input), { matchingTargets: withTargets });
  server.call = rawAwsCall(server.url, 'PutEvents', { Entries: ingestEntries });
  await closedLoop(server.call, { seconds: 6 });
  return server;
}

async function startEmulatorOf(checkout, flags) {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const script = join(resolve(checkout), 'dist/src/cli.js');
  return spawnAndWait(process.execPath, [...flags, script, '--port', String(port), '--log-level', 'silent', '--in-memory'], url, (u) => awsCall(u, 'ListRules', {}), {
    env: { EVENTBRIDGE_LOCAL_WARM_UP: '0' },
  });
}

const servers = { A: await start(a, nodeFlags), B: await start(b, flagsB ?? nodeFlags) };
const perRequest = { A: [], B: [] };
try {
  for (let w = 0; w < windows; w++) {
    for (const name of w % 2 ? ['B', 'A'] : ['A', 'B']) {
      const server = servers[name];
      const before = runMs(server.child.pid);
      const r = await closedLoop(server.call, { seconds, concurrency: 16 });
      if (r.failed) throw new Error(`${name}: ${r.failed} requests failed`);
      perRequest[name].push(((runMs(server.child.pid) - before) / (r.rps * r.seconds)) * 1000);
    }
  }
} finally {
  await servers.A.stop();
  await servers.B.stop();
}

const median = (values) => [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)];
const ratios = perRequest.B.map((v, i) => v / perRequest.A[i]);
console.log(`${windows} alternating windows of ${seconds} s per server, server CPU µs per request${withTargets ? ' (4 captured deliveries per request)' : ' (no targets)'}${pin ? '; servers pinned to CPU 0, the load generator to CPU 1' : ''}:`);
console.log(`A ${a}: ${perRequest.A.map((v) => fmt(v)).join(' ')} (median ${fmt(median(perRequest.A), 1)})`);
console.log(`B ${b}${flagsB ? ` with ${flagsB.join(' ')}` : ''}: ${perRequest.B.map((v) => fmt(v)).join(' ')} (median ${fmt(median(perRequest.B), 1)})`);
console.log(`B/A per window: ${ratios.map((v) => v.toFixed(2)).join(' ')}; median ${median(ratios).toFixed(2)} (${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)})`);
