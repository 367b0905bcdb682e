// Two servers alive at once under the ingest bench's load (100 rules, 2 matching with captured SQS
// targets), the load moving between them in short windows, so that both meet the same phases of the
// machine (a slow phase of a minute or more lands on one server slot of bench/putevents/run.mjs and not
// on the next: docs/performance.md, 2026-12-04). Server CPU per request (all
// threads, /proc/<pid>/task/<tid>/schedstat) per window, and B/A per pair of windows.
//   node bench/putevents/alternate.mjs <checkout-A> <checkout-B> [windows=12] [seconds=1.5] [--flags-b="<node flags>"] [--no-targets] [--pin]
// A checkout is a built clone (its dist/src/cli.js); the same one twice measures the method's own spread.
// --flags-b: node flags for B instead of npm start's (e.g. "--v8-pool-size=1 --interrupt-budget=16384" to try a V8 flag).
// Both run without the start-up warm-up (EVENTBRIDGE_LOCAL_WARM_UP=0) and get 6 s of load before the windows.
// A checkout named `bare` is the ingest bench's ceiling (bench/putevents/bareServer.mjs), `bare+N` the ceiling
// with N µs of extra CPU work per request: `alternate.mjs <checkout> bare` is the emulator against the ceiling.
// --pin: both servers on CPU 0 (all their threads, taskset) and this process (the load generator) on CPU 1,
// so that neither server's figures depend on where the scheduler put it (docs/performance.md, 2026-12-04 #2).
import { fmt, nodeFlags } from '../lib/load.mjs';
import { alternatingWindows, cannotPin, pinTo, startIngestServer } from '../lib/alternation.mjs';

const args = process.argv.slice(2);
const positional = args.filter((a) => !a.startsWith('--'));
const [a, b] = positional;
if (!a || !b) throw new Error('usage: node bench/putevents/alternate.mjs <checkout-A> <checkout-B|bare|bare+N> [windows] [seconds] [--flags-b="..."] [--no-targets] [--pin]');
const windows = Number(positional[2] ?? 12);
const seconds = Number(positional[3] ?? 1.5);
const flagsB = args.find((x) => x.startsWith('--flags-b='))?.slice('--flags-b='.length).split(/\s+/).filter(Boolean);
const withTargets = !args.includes('--no-targets');
const pin = args.includes('--pin');
if (pin) {
  const why = cannotPin();
  if (why) throw new Error(`--pin: ${why}`);
  pinTo(process.pid, 1);
}

const options = { pin, targets: withTargets };
const servers = { A: await startIngestServer(a, nodeFlags, options), B: await startIngestServer(b, flagsB ?? nodeFlags, options) };
let perRequest;
try {
  perRequest = await alternatingWindows(servers, { windows, seconds });
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
