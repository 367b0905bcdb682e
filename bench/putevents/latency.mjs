// bench/putevents/latency: event -> delivery latency into a local HTTP sink through an
// API destination, at a fixed offered rate, against the ceiling (the same body POSTed
// straight to the sink). Run after `npm run build`:
//   node bench/putevents/latency.mjs [events-per-second] [seconds per round] (LATENCY_ROUNDS=3 rounds per path)
// LATENCY_AB=<script> adds a second emulator built from another bundle (e.g. a copy of dist/src/cli.js with a
// change), set up and warmed the same way and measured in every round beside the first: an A/B in one run
// (both then without the emulator's warm-up after "listening", EVENTBRIDGE_LOCAL_WARM_UP=0).
// LATENCY_A=<script> makes A another bundle (default this checkout's dist/src/cli.js): A is started first, and
// the side started first ran more scavenges per round in earlier runs, so run an A/B both ways round.
// LATENCY_AB_FLAGS='<node flags>' gives B those node flags too (after npm start's); with LATENCY_AB unset, B is
// the same bundle with those flags (an A/B of a command-line flag).
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { awsCall, emulatorCommand, fmt, median, percentile, post, postClosing, quick, record, root, startServer, startSink, monotonicNow, tempDir, nodeFlags } from '../lib/load.mjs';

const rate = Number(process.argv[2] && !process.argv[2].startsWith('--') ? process.argv[2] : 1000);
const seconds = Number(process.argv[3] && !process.argv[3].startsWith('--') ? process.argv[3] : quick ? 3 : 5);

/**
 * Offer `rate` events/s for `forSeconds`, one event per request; returns send times by seq.
 * Warm-up rounds use negative seqs, so their arrivals never mix with measured ones.
 */
async function offer(send, forSeconds = seconds, warmUp = false) {
  const sent = new Map();
  const total = rate * forSeconds;
  const start = performance.now();
  const inflight = [];
  for (let seq = 0; seq < total; seq++) {
    const due = start + (seq * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    const id = warmUp ? -1 - seq : seq;
    sent.set(id, monotonicNow());
    inflight.push(send(id));
  }
  await Promise.all(inflight);
  return sent;
}

/** The server's event-loop delay and GC pauses since the last call (bench/lib/loopStats.mjs). */
async function statsOf(server) {
  rmSync(server.statsFile, { force: true });
  server.child.kill('SIGUSR2');
  for (let i = 0; i < 400 && !existsSync(server.statsFile); i++) await new Promise((r) => setTimeout(r, 5));
  return JSON.parse(readFileSync(server.statsFile, 'utf8'));
}

/** A process's CPU time so far (user + system, all its threads), ms, from /proc/<pid>/stat (ticks of 10 ms). */
function cpuMsOf(server) {
  const fields = readFileSync(`/proc/${server.child.pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/**
 * The main thread's time spent runnable but waiting for a core, ms, and its involuntary context
 * switches (/proc/<pid>/schedstat, /proc/<pid>/status): time the machine, not the server, added.
 */
function waitOf(server) {
  const waitNs = waitNsOf(server);
  const preempted = Number(/^nonvoluntary_ctxt_switches:\s+(\d+)/m.exec(readFileSync(`/proc/${server.child.pid}/status`, 'utf8'))?.[1]);
  return { waitMs: waitNs / 1e6, preempted };
}

const waitNsOf = (server) => Number(readFileSync(`/proc/${server.child.pid}/schedstat`, 'utf8').split(' ')[1]);

/** The server's cumulative run-queue wait sampled every 5 ms until the returned stop(): [CLOCK_MONOTONIC ms, wait ms]. */
function sampleWait(server) {
  const samples = [];
  const read = () => samples.push([monotonicNow(), waitNsOf(server) / 1e6]);
  read();
  const timer = setInterval(read, 5);
  return () => {
    clearInterval(timer);
    read();
    return samples;
  };
}

/** Run-queue wait between two instants, interpolated between the samples around each. */
function waitBetween(samples, from, to) {
  const at = (t) => {
    let lo = 0;
    let hi = samples.length - 1;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (samples[mid][0] <= t) lo = mid;
      else hi = mid;
    }
    const [t0, w0] = samples[lo];
    const [t1, w1] = samples[hi];
    return t1 > t0 ? w0 + ((w1 - w0) * Math.min(1, Math.max(0, (t - t0) / (t1 - t0)))) : w0;
  };
  return at(to) - at(from);
}

/** measure() of one server's path, with that server's CPU per event over the round (the load-insensitive figure) and its run-queue wait. */
async function measureWithCpu(server, send, stats) {
  await statsOf(server);
  const before = cpuMsOf(server);
  const waitBefore = waitOf(server);
  const stopSampling = sampleWait(server);
  const { values, windows } = await measureWindows(send);
  const samples = stopSampling();
  const cpuPerEvent = (cpuMsOf(server) - before) / total;
  const waitAfter = waitOf(server);
  // The slowest 1 %: how much of each one's latency the server spent runnable but off every core.
  const p99 = percentile(values, 99);
  const slowest = windows.filter(([from, to]) => to - from >= p99);
  // A wait is credited when it ends (schedstat counts it as the thread runs again): a share is approximate, so capped at 1.
  const tailWait = slowest.map(([from, to]) => Math.min(1, waitBetween(samples, from, to) / (to - from)));
  stats.push({ ...(await statsOf(server)), cpuPerEvent, waitMs: waitAfter.waitMs - waitBefore.waitMs, preempted: waitAfter.preempted - waitBefore.preempted, tailWaitShare: median(tailWait) });
  return values;
}

/** Arrival times by seq, once `count` arrived (or the timeout passed). */
const settle = async (count) => (await sink.until(count)).arrivals;

function latencies(sent, arrivals) {
  return [...sent].filter(([seq]) => arrivals.has(seq)).map(([seq, at]) => arrivals.get(seq) - at);
}

const sink = await startSink();
await sink.checkClock(); // both timestamps of every latency come from one clock
const total = rate * seconds;
const rounds = Number(process.env.LATENCY_ROUNDS ?? 3);

// Latency is measured in the steady state. A fresh emulator runs its hot code unoptimized for
// its first seconds: at 1,000 events/s on 2 cores it falls behind for ~2-4 s and then catches up.
// That phase is measured on its own (the "cold" row: a fresh emulator from its first event),
// then the emulator runs `warmUpSeconds` more before the measured rounds.
const coldSeconds = 3;
const warmUpSeconds = 3;
async function warm(send, forSeconds = warmUpSeconds) {
  await offer(send, forSeconds, true);
  await settle(rate * forSeconds);
  await sink.reset();
}
async function measure(send) {
  return (await measureWindows(send)).values;
}
/** measure(), with each delivered event's [sent, arrived] on CLOCK_MONOTONIC. */
async function measureWindows(send) {
  const sent = await offer(send);
  const arrivals = await settle(total);
  await sink.reset();
  const windows = [...sent].filter(([seq]) => arrivals.has(seq)).map(([seq, at]) => [at, arrivals.get(seq)]);
  return { values: windows.map(([from, to]) => to - from), windows };
}

// Ceilings: the same body straight to the sink, over kept-alive connections and over a new
// connection per event with `Connection: close` (what the emulator's deliveries do, as AWS's);
// and the whole path done by a bare Node relay (bareRelay.mjs: answers PutEvents and POSTs
// each event to the sink over a new connection, nothing else).
const toSink = (seq) => post(sink.url + '/direct', { 'Content-Type': 'application/json' }, JSON.stringify({ seq }));
const toSinkClosing = (seq) => postClosing(sink.url + '/direct', JSON.stringify({ seq }));
// Both servers carry bench/lib/loopStats.mjs: their event-loop delay and GC pauses per round.
const statsDir = tempDir('ebl-loop-stats-');
const loopStats = ['--import', join(root, 'bench/lib/loopStats.mjs')];
const relay = await startServer([...nodeFlags, ...loopStats, 'bench/putevents/bareRelay.mjs', sink.url + '/relayed'], { LOOP_STATS_FILE: join(statsDir, 'relay.json') });
const putEventTo = (url) => (seq) => awsCall(url, 'PutEvents', { Entries: [{ Source: 'bench', DetailType: 'Tick', Detail: JSON.stringify({ seq }) }] });
const toRelay = putEventTo(relay.url);
await warm(toSink, 1);
const ceiling = await measure(toSink);

/** A fresh emulator from `script` with the bench's destination, rule and target; `cold`: its first `coldSeconds`. */
async function startEmulatorPath(script, name, extraFlags = []) {
  const emulator = await startServer([...nodeFlags, ...extraFlags, ...loopStats, script, '--port', '0', '--in-memory', '--log-level', 'silent'], { LOOP_STATS_FILE: join(statsDir, `${name}.json`), ...abWarmUp });
  emulator.statsFile = join(statsDir, `${name}.json`);
  const connection = JSON.parse((await awsCall(emulator.url, 'CreateConnection', { Name: 'bench', AuthorizationType: 'API_KEY', AuthParameters: { ApiKeyAuthParameters: { ApiKeyName: 'x-api-key', ApiKeyValue: 'k' } } })).body);
  const destination = JSON.parse(
    (await awsCall(emulator.url, 'CreateApiDestination', { Name: 'sink', ConnectionArn: connection.ConnectionArn, InvocationEndpoint: sink.url + '/events', HttpMethod: 'POST', InvocationRateLimitPerSecond: rate * 10 })).body,
  );
  await awsCall(emulator.url, 'PutRule', { Name: 'to-sink', EventPattern: '{"source":["bench"]}' });
  await awsCall(emulator.url, 'PutTargets', { Rule: 'to-sink', Targets: [{ Id: 'sink', Arn: destination.ApiDestinationArn, RoleArn: 'arn:aws:iam::000000000000:role/r' }] });
  const putEvent = putEventTo(emulator.url);
  const coldSent = await offer(putEvent, coldSeconds);
  const cold = latencies(coldSent, await settle(rate * coldSeconds));
  await sink.reset();
  await warm(putEvent);
  return { emulator, putEvent, cold };
}
relay.statsFile = join(statsDir, 'relay.json');
// Like with like for the cold row: a fresh relay's first seconds too (the goal is still judged against the warm relay).
const freshRelay = await startServer([...nodeFlags, 'bench/putevents/bareRelay.mjs', sink.url + '/relayed']);
const freshRelaySent = await offer(putEventTo(freshRelay.url), coldSeconds);
const relayCold = latencies(freshRelaySent, await settle(rate * coldSeconds));
await sink.reset();
await freshRelay.stop();
const abFlags = process.env.LATENCY_AB_FLAGS?.split(/\s+/).filter(Boolean) ?? [];
const abName = [process.env.LATENCY_AB, ...abFlags].filter(Boolean).join(' ');
// In an A/B, neither emulator runs its warm-up after "listening": A's would run in the idle time that is
// B's first 3 s (one run gave B 374 ms against A's 80 that way). Alone, the emulator keeps it, as users run it
// (its first 3 s are under load from the start, when the warm-up waits anyway).
const abWarmUp = abName ? { EVENTBRIDGE_LOCAL_WARM_UP: '0' } : {};
const { emulator, putEvent, cold } = await startEmulatorPath(process.env.LATENCY_A ?? emulatorCommand.at(-1), 'emulator');
const ab = abName ? await startEmulatorPath(process.env.LATENCY_AB ?? emulatorCommand.at(-1), 'emulatorB', abFlags) : undefined;
await warm(toSinkClosing, 1);
await warm(toRelay, 2);

// Alternating rounds: one round of each path in turn, so the machine's slow spells fall on all of them.
const paths = { closing: [], relay: [], emulator: [], ...(ab ? { emulatorB: [] } : {}) };
const stalls = { relay: [], emulator: [], ...(ab ? { emulatorB: [] } : {}) };
for (let round = 0; round < rounds; round++) {
  paths.closing.push(await measure(toSinkClosing));
  paths.relay.push(await measureWithCpu(relay, toRelay, stalls.relay));
  paths.emulator.push(await measureWithCpu(emulator, putEvent, stalls.emulator));
  if (ab) paths.emulatorB.push(await measureWithCpu(ab.emulator, ab.putEvent, stalls.emulatorB));
}
await ab?.emulator.stop();
await emulator.stop();
await relay.stop();
await sink.close();

/** Median over rounds of each round's percentile, and the rounds' values. */
const perRound = (list, p) => ({ median: median(list.map((v) => percentile(v, p))), each: list.map((v) => fmt(percentile(v, p), 1)).join(', ') });

console.log(`Event -> HTTP sink latency at ${fmt(rate)} events/s, ${rounds} alternating rounds of ${seconds} s per path (one event per request; the emulator warmed up ${coldSeconds + warmUpSeconds} s). Medians over rounds:`);
console.log('| path | delivered | p50 ms | p99 ms | p99 per round | p99 vs relay |');
console.log('|---|---:|---:|---:|---|---:|');
const relayP99 = perRound(paths.relay, 99).median;
const row = (name, list, of = total * list.length) => {
  const got = list.reduce((n, v) => n + v.length, 0);
  const p99 = perRound(list, 99);
  return `| ${name} | ${got} / ${of} | ${fmt(perRound(list, 50).median, 2)} | ${fmt(p99.median, 2)} | ${p99.each} | ${fmt(p99.median / relayP99, 1)}x |`;
};
console.log(row('ceiling: client -> sink, kept-alive connections', [ceiling]));
console.log(row('ceiling: client -> sink, a new connection per event', paths.closing));
console.log(row('ceiling: PutEvents -> bare Node relay -> sink (new connection per event)', paths.relay));
console.log(row(`PutEvents -> fresh bare Node relay -> sink (its first ${coldSeconds} s)`, [relayCold], rate * coldSeconds));
console.log(row(`PutEvents -> fresh emulator -> API destination -> sink (its first ${coldSeconds} s)`, [cold], rate * coldSeconds));
console.log(row('PutEvents -> emulator -> API destination -> sink (steady state)', paths.emulator));
if (ab) {
  console.log(row(`B (${abName}): its first ${coldSeconds} s`, [ab.cold], rate * coldSeconds));
  console.log(row(`B (${abName}): steady state`, paths.emulatorB));
  const bOverA = paths.emulatorB.map((v, i) => percentile(v, 99) / percentile(paths.emulator[i], 99));
  console.log(`B's p99 over A's, per round: ${bOverA.map((r) => fmt(r, 2)).join(', ')} (median ${fmt(median(bOverA), 2)})`);
}

// Where the tail comes from: what stalled each server's event loop in the measured rounds.
console.log(`\nWhat stalled the event loop in the measured rounds (medians over rounds; bench/lib/loopStats.mjs):`);
console.log('| server | CPU ms per event (rounds) | run-queue wait ms per round (rounds) | share of the slowest 1 %\'s latency spent waiting for a core (rounds) | preempted per round | loop delay p99 ms | loop delay max ms | minor GCs per round (total / max ms) | major GCs per round (total / max ms) |');
console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const [name, list] of Object.entries(stalls)) {
  const m = (f) => median(list.map(f));
  const gcCell = (kind) => `${fmt(m((s) => s.gc[kind]?.count ?? 0))} (${fmt(m((s) => s.gc[kind]?.totalMs ?? 0), 1)} / ${fmt(m((s) => s.gc[kind]?.maxMs ?? 0), 1)})`;
  console.log(`| ${name} | ${fmt(m((s) => s.cpuPerEvent), 3)} (${list.map((s) => fmt(s.cpuPerEvent, 3)).join(', ')}) | ${fmt(m((s) => s.waitMs), 1)} (${list.map((s) => fmt(s.waitMs, 1)).join(', ')}) | ${fmt(100 * m((s) => s.tailWaitShare))} % (${list.map((s) => fmt(100 * s.tailWaitShare)).join(', ')}) | ${fmt(m((s) => s.preempted))} | ${fmt(m((s) => s.loopDelay.p99), 1)} | ${fmt(m((s) => s.loopDelay.max), 1)} | ${gcCell('minor')} | ${gcCell('major')} |`);
}

const cpuOf = (name) => median(stalls[name].map((s) => s.cpuPerEvent));
const p50 = perRound(paths.emulator, 50).median;
const p99 = perRound(paths.emulator, 99);
const missing = total * rounds - paths.emulator.reduce((n, v) => n + v.length, 0);
const closingP = (p) => fmt(perRound(paths.closing, p).median, 2);
// The emulator's p99 over the relay's in the same round (alternating rounds: the same machine load).
const ratios = paths.emulator.map((v, i) => percentile(v, 99) / percentile(paths.relay[i], 99));
const ratio = median(ratios);
record({
  row: 'latency',
  metric: `Delivery latency PutEvents -> API destination -> sink at ${fmt(rate)} events/s (steady state; ${rounds} rounds), p50 / p99 ms`,
  today: '34 and 87 ms p99 vs the relay 17.6 and 31.6 ms: 1.9–2.7x',
  emulator: `${fmt(p50, 2)} / ${fmt(p99.median, 2)} (rounds' p99: ${p99.each})${missing ? ` (${missing} missing!)` : ''}; server CPU ${fmt(cpuOf('emulator'), 3)} ms per event`,
  competitors: `bare relay ${fmt(perRound(paths.relay, 50).median, 2)} / ${fmt(relayP99, 2)} (CPU ${fmt(cpuOf('relay'), 3)} ms per event); client -> sink ${closingP(50)} / ${closingP(99)} (new connection per event), ${fmt(percentile(ceiling, 50), 2)} / ${fmt(percentile(ceiling, 99), 2)} (kept alive)`,
  ratio: `p99 ${fmt(ratio, 2)}x the relay (${fmt(Math.min(...ratios), 2)}–${fmt(Math.max(...ratios), 2)})`,
  goal: '≤ 1.3x the relay',
  met: !missing && ratio <= 1.3,
});
const relayP50 = perRound(paths.relay, 50).median;
const coldRatio = percentile(cold, 99) / relayP99;
record({
  row: 'latency',
  metric: `Delivery latency, a fresh emulator's first ${coldSeconds} s at ${fmt(rate)} events/s, p50 / p99 ms`,
  today: 'p50 3.5 s, p99 3.8 s behind (the previous round, docs/performance.md; the issue: p50 ~1 s)',
  emulator: `${fmt(percentile(cold, 50), 2)} / ${fmt(percentile(cold, 99), 2)}`,
  competitors: `bare relay (warm) ${fmt(relayP50, 2)} / ${fmt(relayP99, 2)}; a fresh relay's first ${coldSeconds} s ${fmt(percentile(relayCold, 50), 2)} / ${fmt(percentile(relayCold, 99), 2)} (the emulator's p99 ${fmt(percentile(cold, 99) / percentile(relayCold, 99), 1)}x it)`,
  ratio: `p50 ${fmt(percentile(cold, 50) / relayP50, 1)}x, p99 ${fmt(coldRatio, 1)}x the relay`,
  goal: '≤ 2x the relay',
  met: coldRatio <= 2,
});
