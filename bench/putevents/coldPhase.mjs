// What a fresh emulator does in its first seconds under the latency bench's load (1,000
// single-event PutEvents/s, each delivered to an API destination at a loopback sink): a
// timeline per 100 ms of requests sent, answered and delivered, the server's CPU time per
// slice (/proc/<pid>/stat), and the time from "listening" to the first delivery.
//   node bench/putevents/coldPhase.mjs [seconds=3] [--cpu-prof <dir>] [--trace-opt] [--node-flag=<flag> ...] [--script=dist/src/cli.js] [--idle-ms=N] [--tail=<file>]
// --tail: write the warm phase's slowest 1 % of events (send and arrival on CLOCK_MONOTONIC) to <file>,
// for bench/putevents/tailProfile.mjs to say what the server ran while they waited (with --cpu-prof).
// --idle-ms: wait N ms after the set-up before the load (a user's first events rarely follow "listening" at once).
// --trace-opt counts V8's optimizations and deoptimizations over the phase (--trace-opt --trace-deopt).
// --trace: a table per 100 ms of the first phase: latency of the events sent in it, the main thread's and the
// other threads' (V8's compiler, GC helpers) CPU, GC pauses, event-loop delay, modules loaded (bench/lib/coldTrace.mjs).
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import os from 'node:os';
import { awsCall, emulatorCommand, fmt, percentile, root, startServer, startSink, monotonicNow, tempDir, nodeFlags } from '../lib/load.mjs';

const args = process.argv.slice(2);
const seconds = Number(args.find((a) => /^\d+(\.\d+)?$/.test(a)) ?? 3);
const profDir = args.includes('--cpu-prof') ? args[args.indexOf('--cpu-prof') + 1] : undefined;
const traceOpt = args.includes('--trace-opt');
const script = args.find((a) => a.startsWith('--script='))?.slice('--script='.length) ?? emulatorCommand.at(-1);
const tailFile = args.find((a) => a.startsWith('--tail='))?.slice('--tail='.length);
const idleMs = Number(args.find((a) => a.startsWith('--idle-ms='))?.slice('--idle-ms='.length) ?? 0);
const trace = args.includes('--trace');
const traceFile = trace ? join(tempDir('ebl-cold-trace-'), 'trace.json') : undefined;
const extraFlags = args.filter((a) => a.startsWith('--node-flag=')).map((a) => a.slice('--node-flag='.length));
// --rate=N: events per second (default the latency bench's 1,000; a lower one shows the first events' own cost on a loaded machine).
const rate = Number(args.find((a) => a.startsWith('--rate='))?.slice('--rate='.length) ?? 1000);
const slice = 100;

const sink = await startSink();
await sink.checkClock();
const flags = [...nodeFlags, ...extraFlags, ...(profDir ? ['--cpu-prof', '--cpu-prof-dir', profDir] : []), ...(traceOpt ? ['--trace-opt', '--trace-deopt'] : [])];
const t0 = monotonicNow();
const emulator = await startServer([...flags, ...(trace ? ['--import', join(root, 'bench/lib/coldTrace.mjs')] : []), script, '--port', '0', '--in-memory', '--log-level', 'silent'], trace ? { COLD_TRACE_FILE: traceFile } : {});
const listening = monotonicNow();
let optimized = 0;
let deoptimized = 0;
let traced = '';
emulator.child.stdout.on('data', (d) => {
  traced = (traced + d).split('\n').reduce((rest, line, i, all) => {
    if (i === all.length - 1) return line;
    if (/\[(completed )?optimizing|\[completed compiling/.test(line)) optimized++;
    if (/\[bailout|deoptimiz/i.test(line)) deoptimized++;
    return rest;
  }, '');
});

const cpuMs = () => {
  const f = readFileSync(`/proc/${emulator.child.pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return ((Number(f[11]) + Number(f[12])) * 1000) / 100; // utime + stime, in clock ticks of 10 ms
};

/** CPU ms per thread name (/proc/<pid>/task/<tid>/stat; comm: node = main thread, V8 workers, libuv's pool ...). */
const threadCpu = () => {
  const by = {};
  for (const tid of readdirSync(`/proc/${emulator.child.pid}/task`)) {
    try {
      const stat = readFileSync(`/proc/${emulator.child.pid}/task/${tid}/stat`, 'utf8');
      const name = tid === String(emulator.child.pid) ? 'main' : stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')) === 'node' ? 'other' : stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const f = stat.slice(stat.lastIndexOf(') ') + 2).split(' ');
      by[name] = (by[name] ?? 0) + ((Number(f[11]) + Number(f[12])) * 1000) / 100;
    } catch {
      // the thread ended
    }
  }
  return by;
};
const diff = (a, b) => Object.entries(b).map(([k, v]) => `${k} ${fmt(v - (a[k] ?? 0))}`).join(', ');

const ok = async (op, input) => {
  const res = await awsCall(emulator.url, op, input);
  if (res.status !== 200) throw new Error(`${op}: ${res.status} ${res.body}`);
  return JSON.parse(res.body || '{}');
};
const connection = await ok('CreateConnection', { Name: 'bench', AuthorizationType: 'API_KEY', AuthParameters: { ApiKeyAuthParameters: { ApiKeyName: 'x-api-key', ApiKeyValue: 'k' } } });
const destination = await ok('CreateApiDestination', { Name: 'sink', ConnectionArn: connection.ConnectionArn, InvocationEndpoint: sink.url + '/events', HttpMethod: 'POST', InvocationRateLimitPerSecond: rate * 10 });
await ok('PutRule', { Name: 'to-sink', EventPattern: '{"source":["bench"]}' });
await ok('PutTargets', { Rule: 'to-sink', Targets: [{ Id: 'sink', Arn: destination.ApiDestinationArn, RoleArn: 'arn:aws:iam::000000000000:role/r' }] });
const configured = monotonicNow();
if (idleMs) await new Promise((r) => setTimeout(r, idleMs));
optimized = 0;
deoptimized = 0;

const total = rate * seconds;
/** Offer `total` events at `rate`/s with seqs from `first`; resolves with send and answer times. */
async function offer(first) {
  const sent = new Map();
  const answered = new Map();
  const start = performance.now();
  const inflight = [];
  for (let i = 0; i < total; i++) {
    const seq = first + i;
    const wait = start + (i * 1000) / rate - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    sent.set(seq, monotonicNow());
    inflight.push(awsCall(emulator.url, 'PutEvents', { Entries: [{ Source: 'bench', DetailType: 'Tick', Detail: JSON.stringify({ seq }) }] }).then(() => answered.set(seq, monotonicNow())));
  }
  await Promise.all(inflight);
  return { sent, answered };
}
const startMono = monotonicNow();
const cpuAtStart = cpuMs();
const threadsAtStart = threadCpu();
const threadSamples = [[startMono, threadsAtStart]];
const sampler = trace ? setInterval(() => threadSamples.push([monotonicNow(), threadCpu()]), slice) : undefined;
const { sent, answered } = await offer(0);
const { arrivals } = await sink.until(total);
clearInterval(sampler);
threadSamples.push([monotonicNow(), threadCpu()]);
let traced0;
if (trace) {
  emulator.child.kill('SIGUSR2');
  for (let i = 0; i < 400 && !existsSync(traceFile); i++) await new Promise((r) => setTimeout(r, 5));
  traced0 = JSON.parse(readFileSync(traceFile, 'utf8'));
  rmSync(traceFile);
}
const phaseCpu = cpuMs() - cpuAtStart;
const threadsCold = threadCpu();
const coldEnd = monotonicNow();
const counts = { optimized, deoptimized };
// The same load once more on the now warm server: its CPU per event, to tell warm-up from capacity.
await sink.reset();
const cpuAtWarm = cpuMs();
const warm = await offer(total);
const warmArrivals = (await sink.until(total)).arrivals;
const warmCpu = cpuMs() - cpuAtWarm;
const threadsWarm = threadCpu();
const warmEnd = monotonicNow();
// Resident memory after both phases (now and its peak): a tiering flag must not cost the RSS row (issue 24 row 6).
const memory = readFileSync(`/proc/${emulator.child.pid}/status`, 'utf8');
const kb = (field) => Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(memory)?.[1] ?? NaN);
await emulator.stop();
await sink.close();

const bucket = (at) => Math.floor((at - startMono) / slice);
const buckets = Array.from({ length: Math.ceil(Math.max(...arrivals.values(), ...answered.values()) - startMono) / slice + 1 }, () => ({ sent: 0, answered: 0, delivered: 0 }));
for (const at of sent.values()) buckets[bucket(at)].sent++;
for (const at of answered.values()) buckets[bucket(at)].answered++;
for (const at of arrivals.values()) if (bucket(at) >= 0) buckets[bucket(at)].delivered++;
const latencies = [...sent].filter(([s]) => arrivals.has(s)).map(([s, at]) => arrivals.get(s) - at);
const answerMs = [...sent].filter(([s]) => answered.has(s)).map(([s, at]) => answered.get(s) - at);

console.log(`start -> listening ${fmt(listening - t0)} ms; configured ${fmt(configured - listening)} ms later; first event sent ${fmt(startMono - configured)} ms later`);
console.log(`first delivery ${fmt(Math.min(...arrivals.values()) - startMono, 1)} ms after the first send; delivered ${arrivals.size} / ${total}`);
console.log(`latency p50 ${fmt(percentile(latencies, 50), 1)} p99 ${fmt(percentile(latencies, 99), 1)} ms; PutEvents answer p50 ${fmt(percentile(answerMs, 50), 1)} p99 ${fmt(percentile(answerMs, 99), 1)} ms`);
const warmLatencies = [...warm.sent].filter(([s]) => warmArrivals.has(s)).map(([s, at]) => warmArrivals.get(s) - at);
console.log(`server CPU per event: first ${seconds} s ${fmt(phaseCpu / total, 3)} ms, next ${seconds} s ${fmt(warmCpu / total, 3)} ms (latency then p50 ${fmt(percentile(warmLatencies, 50), 1)} p99 ${fmt(percentile(warmLatencies, 99), 1)} ms)${traceOpt ? `; V8: ${counts.optimized} optimizations, ${counts.deoptimized} deoptimizations` : ''}`);
if (tailFile) {
  const slowest = [...warm.sent].filter(([s]) => warmArrivals.has(s)).map(([s, at]) => [at, warmArrivals.get(s)]).filter(([at, arrived]) => arrived - at >= percentile(warmLatencies, 99));
  writeFileSync(tailFile, JSON.stringify({ phase: [coldEnd, warmEnd], p50: percentile(warmLatencies, 50), windows: slowest }));
}
console.log(`RSS after both phases ${fmt(kb('VmRSS') / 1024)} MB (peak ${fmt(kb('VmHWM') / 1024)} MB)`);
console.log(`CPU ms by thread: first ${seconds} s: ${diff(threadsAtStart, threadsCold)}; next ${seconds} s: ${diff(threadsCold, threadsWarm)}`);
if (profDir) console.log(`phases on CLOCK_MONOTONIC, ms: cold ${startMono.toFixed(1)}-${coldEnd.toFixed(1)}, warm -${warmEnd.toFixed(1)} (node bench/putevents/profileWindow.mjs <profile> <from> <to>)`);
console.log('| ms | sent | answered | delivered |');
console.log('|---:|---:|---:|---:|');
buckets.forEach((b, i) => console.log(`| ${i * slice} | ${b.sent} | ${b.answered} | ${b.delivered} |`));

if (trace) {
  // Per 100 ms slice of send time: the latency of the events sent in it, and what the server did in it.
  const inSlice = (t, i) => t >= startMono + i * slice && t < startMono + (i + 1) * slice;
  const slices = Math.ceil((Math.max(...sent.values()) - startMono) / slice);
  const cpuIn = (i, thread) => {
    const at = (t) => threadSamples.reduce((best, s) => (Math.abs(s[0] - t) < Math.abs(best[0] - t) ? s : best))[1][thread] ?? 0;
    return at(startMono + (i + 1) * slice) - at(startMono + i * slice);
  };
  const before = traced0.modules.filter(([t]) => t < startMono);
  if (process.env.COLD_TRACE_MODULES) for (const [t, ms, name] of traced0.modules) console.log(`module ${name}: at ${fmt(t - listening, 1)} ms after "listening", ${fmt(ms, 1)} ms`);
  console.log(`\nmodules loaded through require before the load: ${before.length} (${fmt(before.reduce((n, m) => n + m[1], 0), 1)} ms); GC before the load: ${traced0.gc.filter(([t]) => t < startMono).length}`);
  // One line for scripts that alternate variants: the first 300 ms (the burst a fresh process pays once) against the rest.
  const early = [...sent].filter(([s, t]) => arrivals.has(s) && t < startMono + 300).map(([s, t]) => arrivals.get(s) - t);
  const late = [...sent].filter(([s, t]) => arrivals.has(s) && t >= startMono + 300).map(([s, t]) => arrivals.get(s) - t);
  const cpuUpTo = (ms, pick) => { const at = threadSamples.find(([t]) => t >= startMono + ms) ?? threadSamples.at(-1); return Object.entries(at[1]).filter(([k]) => pick(k)).reduce((n, [k, v]) => n + v - (threadsAtStart[k] ?? 0), 0); };
  console.log(`SUMMARY ${JSON.stringify({ listeningMs: +(listening - t0).toFixed(1), configuredMs: +(configured - listening).toFixed(1), firstDeliveryMs: +(Math.min(...arrivals.values()) - startMono).toFixed(1), p50: +percentile(latencies, 50).toFixed(2), p99: +percentile(latencies, 99).toFixed(2), first300p99: +percentile(early, 99).toFixed(2), restP99: +percentile(late, 99).toFixed(2), cpuPerEventCold: +(phaseCpu / total).toFixed(3), cpuPerEventWarm: +(warmCpu / total).toFixed(3), mainCpuFirst300: cpuUpTo(300, (k) => k === 'main'), otherCpuFirst300: cpuUpTo(300, (k) => k !== 'main'), load: os.loadavg()[0] })}`);
  console.log('| ms | sent | latency p50 / p99 / max of those sent | answer p99 | main CPU ms | other threads CPU ms | GC pauses (ms) | loop delay max ms | modules loaded |');
  console.log('|---:|---:|---|---:|---:|---:|---|---:|---|');
  for (let i = 0; i < slices; i++) {
    const seqs = [...sent].filter(([, t]) => inSlice(t, i)).map(([s]) => s);
    const lat = seqs.filter((s) => arrivals.has(s)).map((s) => arrivals.get(s) - sent.get(s));
    const ans = seqs.filter((s) => answered.has(s)).map((s) => answered.get(s) - sent.get(s));
    const gcs = traced0.gc.filter(([t]) => inSlice(t, i));
    const mods = traced0.modules.filter(([t]) => inSlice(t, i));
    const loop = traced0.loopDelay.filter(([t]) => inSlice(t, i)).map(([, max]) => max);
    const other = Object.keys(threadSamples.at(-1)[1]).filter((k) => k !== 'main').reduce((n, k) => n + cpuIn(i, k), 0);
    console.log(`| ${i * slice} | ${seqs.length} | ${lat.length ? `${fmt(percentile(lat, 50), 1)} / ${fmt(percentile(lat, 99), 1)} / ${fmt(Math.max(...lat), 1)}` : '-'} | ${ans.length ? fmt(percentile(ans, 99), 1) : '-'} | ${fmt(cpuIn(i, 'main'))} | ${fmt(other)} | ${gcs.length ? `${gcs.length} (${fmt(gcs.reduce((n, g) => n + g[1], 0), 1)}${gcs.some((g) => g[2] !== 'minor') ? ', ' + gcs.filter((g) => g[2] !== 'minor').map((g) => g[2]).join(' ') : ''})` : ''} | ${loop.length ? fmt(Math.max(...loop), 1) : ''} | ${mods.map((m) => `${m[2]} ${fmt(m[1], 1)}`).join(', ')} |`);
  }
}
