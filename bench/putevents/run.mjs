// bench/putevents: PutEvents requests/s (10 entries each, 100 rules on the bus, 2 matching)
// against the emulator (in memory and with the JSON store), moto_server, and a bare Node http
// server answering the same requests (the ceiling), alternating, in one run.
// Run after `npm run build`: node bench/putevents/run.mjs [seconds-per-round] [rounds] [--quick]
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { awsOk, closedLoop, fmt, median, post, preparedAwsCall, rawAwsCall, quick, record, root, startEmulator, startMoto, startServer, tempDir, nodeFlags } from '../lib/load.mjs';
import { alternatingWindows, cannotPin, pinTo, startIngestServer } from '../lib/alternation.mjs';
import { ingestEntries, ingestMatchesPerRequest, prepareIngestRules } from '../lib/ingestLoad.mjs';

const numbers = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const seconds = Number(numbers[0] ?? (quick ? 2 : 3));
const rounds = Number(numbers[1] ?? 3);
// The same warm-up for every server, long enough for the emulator's CPU per request to settle
// (bench/putevents/settle.mjs, 2 s windows from its set-up, 2026-12-03 #4). With deliveries it was
// ~133-138 µs in the first window (V8's compiler and GC threads ~30 µs of it) and settled at 76-87 µs
// from 2 s on in one run, from 6 s on in two others; the bare server's ~52-63 µs settled at 41-47 µs
// by 2-4 s. With the 0.5 s used before, the timed rounds measured part of the cold phase, which the
// latency bench's "first 3 s" row is for. BENCH_INGEST_WARMUP_S sets it (quick: 2 s).
const warmUpSeconds = Number(process.env.BENCH_INGEST_WARMUP_S ?? (quick ? 2 : 6));

const body = { Entries: ingestEntries };

function prepareRules(url, account, options) {
  return prepareIngestRules((operation, input) => awsOk(url, operation, input), { ...options, account });
}

// moto delivers SQS targets into its own SQS (and refuses PutEvents whose target queue does
// not exist), so the two matching rules' queues must exist there.
const sqsAuth = 'AWS4-HMAC-SHA256 Credential=AKIDBENCH/20260101/us-east-1/sqs/aws4_request, SignedHeaders=host, Signature=0';
const sqs = (url, action, input) =>
  post(url + '/', { 'Content-Type': 'application/x-amz-json-1.0', 'X-Amz-Target': `AmazonSQS.${action}`, Authorization: sqsAuth }, JSON.stringify(input));

/** How many events a target received: moto's SQS queue, or the emulator's captures. */
const received = {
  async moto(url, queue) {
    let n = 0;
    for (let i = 0; i < 10; i++) {
      const r = JSON.parse((await sqs(url, 'ReceiveMessage', { QueueUrl: `${url}/123456789012/${queue}`, MaxNumberOfMessages: 10 })).body);
      if (!r.Messages?.length) break;
      n += r.Messages.length;
    }
    return n;
  },
  async emulator(url, queue) {
    const arn = `arn:aws:sqs:us-east-1:000000000000:${queue}`;
    for (let i = 0; i < 100; i++) {
      const res = await fetch(`${url}/_eventbridge-local/captures?targetArn=${encodeURIComponent(arn)}`);
      const n = (await res.json()).captures.length;
      if (n >= 2) return n;
      await new Promise((r) => setTimeout(r, 20));
    }
    return 0;
  },
};

/** One PutEvents before timing: the two matching entries must reach rule 0's target, nothing else. */
async function checkMatching(name, kind, url) {
  await awsOk(url, 'PutEvents', body);
  const got = await received[kind](url, 'q0');
  const stray = await received[kind](url, 'q7');
  if (got !== 2 || stray !== 0) throw new Error(`${name}: PutEvents delivered ${got} events to the matching rule's queue (want 2) and ${stray} to a non-matching one`);
}

const emulator = (dataDir) => async () => {
  const s = await startEmulator(dataDir);
  await prepareRules(s.url, '000000000000');
  await checkMatching(dataDir ? 'emulator (JSON store)' : 'emulator (in memory)', 'emulator', s.url);
  return s;
};
const emulatorWithout = (options) => async () => {
  const s = await startEmulator(undefined);
  await prepareRules(s.url, '000000000000', options);
  return s;
};
const calibrationExtraUs = [10, 25, 40];
const allCompetitors = {
  // With npm start's node flags, as the emulator runs (like with like: without them the bare server's
  // default V8 helper threads cost it more CPU per request: 0.136 ms against 0.100-0.114 with the flags, 2026-12-03).
  ceiling: () => startServer([...nodeFlags, 'bench/putevents/bareServer.mjs']),
  // Calibration, not rows of their own: the ceiling with a known amount of extra CPU work per request
  // (bareServer.mjs's BARE_EXTRA_US). Where their requests/s over the ceiling's crosses a goal tells what
  // that goal asks in server CPU per request on this machine, in this run (printed beside each row).
  ...Object.fromEntries(calibrationExtraUs.map((us) => [`ceiling + ${us} µs per request`, () => startServer([...nodeFlags, 'bench/putevents/bareServer.mjs'], { BARE_EXTRA_US: String(us) })])),
  'emulator (in memory)': emulator(undefined),
  'emulator (JSON store)': () => emulator(tempDir())(),
  // The two references without deliveries: an empty bus, and the same 100 rules with no target on the matching two.
  'emulator, no rules': emulatorWithout({ rules: 0 }),
  'emulator, matching rules without targets': emulatorWithout({ matchingTargets: false }),
  moto_server: async () => {
    const s = await startMoto();
    for (const q of ['q0', 'q1']) await sqs(s.url, 'CreateQueue', { QueueName: q });
    await prepareRules(s.url, '123456789012');
    await checkMatching('moto_server', 'moto', s.url);
    return s;
  },
  // For reading the ratio only (not in the summary): moto's cost without its SQS deliveries,
  // which dominate the row above (hundreds of ms per delivered event in moto 5.x).
  'moto_server, matching rules without targets': async () => {
    const s = await startMoto();
    await prepareRules(s.url, '123456789012', { matchingTargets: false });
    return s;
  },
};
// BENCH_INGEST_ONLY='emulator (in memory)|emulator, no rules': only these (for profiling rounds; the summary needs all).
const only = process.env.BENCH_INGEST_ONLY?.split('|');
export const competitors = Object.fromEntries(Object.entries(allCompetitors).filter(([name]) => !only || name === 'ceiling' || only.includes(name)));

/** CPU time the process used so far (user + system), ms, from /proc/<pid>/stat. */
function cpuMs(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10; // utime, stime in clock ticks (USER_HZ 100)
}

// The order servers run in within a round: each emulator row beside the ceiling or a calibration server
// (the machine has slow phases of several seconds, docs/performance.md 2026-12-03 #4), the main row next
// to the ceiling itself; every other round the other way round, so no server always follows the same one.
const runOrder = ['ceiling', 'emulator (in memory)', 'ceiling + 10 µs per request', 'emulator, matching rules without targets', 'ceiling + 25 µs per request', 'emulator, no rules', 'ceiling + 40 µs per request', 'emulator (JSON store)'];
const position = (name) => (runOrder.includes(name) ? runOrder.indexOf(name) : runOrder.length);
const inRunOrder = Object.entries(competitors).sort(([a], [b]) => position(a) - position(b));

const results = Object.fromEntries(Object.keys(competitors).map((k) => [k, []]));
for (let round = 0; round < rounds; round++) {
  for (const [name, start] of round % 2 === 0 ? inRunOrder : [...inRunOrder].reverse()) {
    const server = await start();
    // moto answers about one such request per second (each delivery into its SQS costs
    // hundreds of ms): 4 connections, no warm-up, so a round does not drain for minutes.
    const isMoto = name.startsWith('moto_server');
    const concurrency = isMoto ? 4 : 16;
    try {
      // The same bytes to every server, built once, over raw sockets (rawAwsCall): the generator shares
      // the 2 cores with the server it measures. moto keeps node's client: it may close a connection
      // after an answer, and at ~1 request/s the generator's cost does not matter there.
      const putEvents = (isMoto ? preparedAwsCall : rawAwsCall)(server.url, 'PutEvents', body);
      if (!isMoto) await closedLoop(putEvents, { seconds: warmUpSeconds });
      const cpu0 = cpuMs(server.child.pid);
      const own0 = process.cpuUsage();
      const r = await closedLoop(putEvents, { seconds, concurrency });
      // CPU per request: less at the mercy of other processes on a busy machine than requests/s.
      r.cpuPerRequest = (cpuMs(server.child.pid) - cpu0) / (r.rps * r.seconds);
      // The generator's own: when it nears the server's, the generator bounds the ceiling's requests/s.
      const own = process.cpuUsage(own0);
      r.generatorCpuPerRequest = (own.user + own.system) / 1000 / (r.rps * r.seconds);
      if (r.failed) throw new Error(`${name}: ${r.failed} requests failed`);
      results[name].push(r);
    } finally {
      await server.stop();
    }
  }
}

const rps = Object.fromEntries(Object.entries(results).map(([name, rs]) => [name, median(rs.map((r) => r.rps))]));
/** The name's requests/s over the ceiling's, per round (same round, so the same machine load): median and min–max. */
const vsCeiling = (name) => {
  const each = results[name].map((r, i) => r.rps / results.ceiling[i].rps);
  return { median: median(each), min: Math.min(...each), max: Math.max(...each) };
};
/** The name's server CPU per request over the ceiling's, per round. */
const cpuVsCeiling = (name) => {
  const each = results[name].map((r, i) => r.cpuPerRequest / results.ceiling[i].cpuPerRequest);
  return { median: median(each), min: Math.min(...each), max: Math.max(...each) };
};
const ratioText = (v) => `${fmt(v.median, 2)}x (${fmt(v.min, 2)}–${fmt(v.max, 2)})`;
console.log(`PutEvents, 10 entries per request, 100 rules (2 matching, ${ingestMatchesPerRequest} deliveries per request), 16 connections (moto 4), ${rounds} alternating rounds of ${seconds}s, medians`);
console.log('| server | requests/s | events/s | p50 ms | p99 ms | server CPU ms per request | its CPU vs the ceiling\'s | generator CPU ms per request | vs ceiling, per round (min–max) | vs moto_server |');
console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const [name, rs] of Object.entries(results)) {
  const p = (k, d = 2) => fmt(median(rs.map((r) => r[k])), d);
  console.log(`| ${name} | ${fmt(rps[name])} | ${fmt(rps[name] * 10)} | ${p('p50')} | ${p('p99')} | ${p('cpuPerRequest', 3)} | ${ratioText(cpuVsCeiling(name))} | ${p('generatorCpuPerRequest', 3)} | ${ratioText(vsCeiling(name))} | ${rps.moto_server ? fmt(rps[name] / rps.moto_server, 1) + 'x' : '-'} |`);
}

// On 2 cores the generator and the server share the machine: once the generator costs about as much
// CPU per request as the ceiling, requests/s ratios are pulled toward 1 (docs/performance.md, issue 24's table).
const generatorShare = median(results.ceiling.map((r) => r.generatorCpuPerRequest / r.cpuPerRequest));
if (generatorShare >= 0.8) console.log(`note: the generator used ${fmt(generatorShare, 2)}x the ceiling's CPU per request: the requests/s ratios are compressed toward 1; the server CPU column is the sturdier comparison`);

/**
 * The server CPU per request, over the ceiling's, at which a server answers `goal` of the ceiling's
 * requests/s in this run: per round, the calibration servers' points (CPU ratio, requests/s ratio) with
 * the ceiling's own (1, 1), joined by straight lines (extended past the last two where the goal lies
 * beyond them); the median over rounds.
 */
const calibrationNames = Object.keys(results).filter((name) => name.startsWith('ceiling + '));
function cpuBudget(goal) {
  if (calibrationNames.length === 0) return undefined;
  const each = results.ceiling.map((_, i) => {
    const points = [[1, 1], ...calibrationNames.map((name) => [results[name][i].cpuPerRequest / results.ceiling[i].cpuPerRequest, results[name][i].rps / results.ceiling[i].rps])].sort((p, q) => p[0] - q[0]);
    let k = points.findIndex(([, r], j) => j > 0 && r <= goal);
    if (k < 0) k = points.length - 1;
    const [[c0, r0], [c1, r1]] = [points[k - 1], points[k]];
    return r0 === r1 ? c1 : c0 + ((goal - r0) * (c1 - c0)) / (r1 - r0);
  });
  return { median: median(each), min: Math.min(...each), max: Math.max(...each) };
}
if (calibrationNames.length > 0) {
  console.log('\nCalibration: the ceiling made slower by a known amount of CPU work per request, per round (requests/s and server CPU per request over the ceiling\'s):');
  for (const name of calibrationNames) console.log(`- ${name}: ${ratioText(vsCeiling(name))} of its requests/s at ${ratioText(cpuVsCeiling(name))} its CPU per request`);
  for (const goal of [0.6, 0.85]) {
    const b = cpuBudget(goal);
    console.log(`- a server answers ${goal}x the ceiling's requests/s at ${ratioText(b)} its CPU per request (${fmt((b.median - 1) * median(results.ceiling.map((r) => r.cpuPerRequest)) * 1000)} µs per request more)`);
  }
}

const ingestRow = (name, what, today, goal) => {
  if (!results[name]) return;
  const v = vsCeiling(name);
  const budget = cpuBudget(goal);
  // The server CPU per request beside the ratio: it does not depend on how much of the 2 cores the generator takes.
  // The goal in the same terms, from the calibration servers of this run.
  const goalText = budget ? `≥ ${goal}x (in this run: server CPU per request ≤ ${fmt(budget.median, 2)}x the ceiling's)` : `≥ ${goal}x`;
  record({ row: 'ingest', metric: `Ingest: PutEvents req/s, ${what}, vs a bare Node server answering {}`, today, emulator: fmt(rps[name]), competitors: `bare Node ${fmt(rps.ceiling)}`, ratio: `${ratioText(v)}; server CPU per request ${ratioText(cpuVsCeiling(name))} the ceiling's`, goal: goalText, met: v.median >= goal });
};
ingestRow('emulator (in memory)', '100 rules, 2 matching with captured SQS targets (4 deliveries per request)', '0.32x (0.21–1.11)', 0.6);
ingestRow('emulator, matching rules without targets', '100 rules, no deliveries (the 2 matching rules have no target)', '0.61x', 0.85);
ingestRow('emulator, no rules', 'no rules', '0.77x', 0.85);
ingestRow('emulator (JSON store)', 'the same 4 deliveries per request with the JSON store', '-', 0.6);
const mem = rps['emulator (in memory)'];
const motoBare = rps['moto_server, matching rules without targets'];
if (rps.moto_server && mem) record({ row: 'ingest', metric: 'Ingest: PutEvents req/s (in memory) vs moto_server', today: '-', emulator: fmt(mem), competitors: `moto ${fmt(rps.moto_server, 1)} (${fmt(motoBare)} if its 2 matching rules have no target)`, ratio: `${fmt(mem / rps.moto_server, 1)}x (${fmt(mem / motoBare, 1)}x)`, goal: '≥ 10x', met: mem / rps.moto_server >= 10 });

// The emulator beside the ceiling, both pinned to CPU 0 and the load generator on CPU 1, the load moving
// between them in 1.5 s windows: both meet the same states of the machine, which the ~10 s slots above
// cannot promise (docs/performance.md, 2026-12-04 #2). Rows of their own beside the ones above, judged in
// CPU per request against the budget this run's calibration gives each goal.
async function pinnedBesideCeiling() {
  const windows = quick ? 4 : 8;
  const windowSeconds = 1.5;
  pinTo(process.pid, 1);
  try {
    for (const [targets, what, goal] of [
      [true, '100 rules, 2 matching with captured SQS targets (4 deliveries per request)', 0.6],
      [false, '100 rules, no deliveries (the 2 matching rules have no target)', 0.85],
    ]) {
      const options = { pin: true, targets, warmUpSeconds };
      const servers = { A: await startIngestServer(root, nodeFlags, options), B: await startIngestServer('bare', nodeFlags, options) };
      let perRequest;
      try {
        perRequest = await alternatingWindows(servers, { windows, seconds: windowSeconds });
      } finally {
        await servers.A.stop();
        await servers.B.stop();
      }
      const each = perRequest.A.map((v, i) => v / perRequest.B[i]);
      const ratio = { median: median(each), min: Math.min(...each), max: Math.max(...each) };
      const budget = cpuBudget(goal);
      console.log(`pinned beside the ceiling, ${what}: server CPU µs per request, emulator ${perRequest.A.map((v) => fmt(v)).join(' ')}; ceiling ${perRequest.B.map((v) => fmt(v)).join(' ')}; ratio ${ratioText(ratio)}`);
      record({
        row: 'ingest',
        metric: `Ingest, pinned beside the ceiling (both servers on CPU 0, the load generator on CPU 1, ${windows} alternating windows of ${windowSeconds} s): server CPU µs per request, ${what}`,
        today: '-',
        emulator: fmt(median(perRequest.A), 1),
        competitors: `bare Node ${fmt(median(perRequest.B), 1)}`,
        ratio: `${ratioText(ratio)} the ceiling's`,
        goal: budget ? `≤ ${fmt(budget.median, 2)}x the ceiling's (the ${goal}x goal's CPU budget in this run)` : '-',
        met: budget ? ratio.median <= budget.median : undefined,
      });
    }
  } finally {
    pinTo(process.pid, `0-${availableParallelism() - 1}`);
  }
}
const whyNotPinned = cannotPin();
if (only) console.log('(pinned rows: not with BENCH_INGEST_ONLY)');
else if (whyNotPinned) console.log(`(pinned rows skipped: ${whyNotPinned})`);
else await pinnedBesideCeiling();
