// What a fresh server's first events cost it, in CPU time (a figure the machine's load moves
// much less than latency): a fresh emulator (this checkout's bundle, another bundle, or with other
// environment) and a fresh bare relay, alternating run by run. Each gets the latency bench's set-up
// (the emulator: connection, API destination, rule, target), then events in groups — the 1st,
// the 2nd-10th, the 11th-100th, the 101st-300th — at 200/s, each group delivered to the sink
// before the next; after each group the server's CPU time so far (main thread from
// /proc/<pid>/task/<pid>/schedstat, ns; all threads from /proc/<pid>/stat).
//   node bench/putevents/coldCost.mjs [rounds=5] [variant ...]
// variant: `relay`, `emulator` (this checkout), `emulator:<bundle>`, or `emulator+<ENV>=<value>` (this checkout with that environment).
import { readFileSync } from 'node:fs';
import { awsCall, emulatorCommand, fmt, median, percentile, startServer, startSink, monotonicNow, nodeFlags } from '../lib/load.mjs';

const args = process.argv.slice(2);
const rounds = Number(args.find((a) => /^\d+$/.test(a)) ?? 5);
const variants = args.filter((a) => !/^\d+$/.test(a));
if (variants.length === 0) variants.push('relay', 'emulator');
const groups = [1, 9, 90, 200];
const rate = 200;

const sink = await startSink();
await sink.checkClock();

const mainCpuMs = (pid) => Number(readFileSync(`/proc/${pid}/task/${pid}/schedstat`, 'utf8').split(' ')[0]) / 1e6;
const allCpuMs = (pid) => {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(f[11]) + Number(f[12])) * 10;
};
const putEvent = (url, seq) => awsCall(url, 'PutEvents', { Entries: [{ Source: 'bench', DetailType: 'Tick', Detail: JSON.stringify({ seq }) }] });

async function start(variant) {
  if (variant === 'relay') return startServer([...nodeFlags, 'bench/putevents/bareRelay.mjs', sink.url + '/relayed']);
  const script = variant.startsWith('emulator:') ? variant.slice('emulator:'.length) : emulatorCommand.at(-1);
  const env = variant.startsWith('emulator+') ? Object.fromEntries([variant.slice('emulator+'.length).split('=')]) : {};
  return startServer([...nodeFlags, script, '--port', '0', '--in-memory', '--log-level', 'silent'], env);
}

async function configure(url) {
  const ok = async (op, input) => JSON.parse((await awsCall(url, op, input)).body || '{}');
  const connection = await ok('CreateConnection', { Name: 'bench', AuthorizationType: 'API_KEY', AuthParameters: { ApiKeyAuthParameters: { ApiKeyName: 'x-api-key', ApiKeyValue: 'k' } } });
  const destination = await ok('CreateApiDestination', { Name: 'sink', ConnectionArn: connection.ConnectionArn, InvocationEndpoint: sink.url + '/events', HttpMethod: 'POST', InvocationRateLimitPerSecond: 10_000 });
  await ok('PutRule', { Name: 'to-sink', EventPattern: '{"source":["bench"]}' });
  await ok('PutTargets', { Rule: 'to-sink', Targets: [{ Id: 'sink', Arn: destination.ApiDestinationArn, RoleArn: 'arn:aws:iam::000000000000:role/r' }] });
}

/** One fresh server: CPU ms (main thread, all threads) of the set-up and of each group, and each group's latencies. */
async function run(variant) {
  const t0 = monotonicNow();
  const server = await start(variant);
  const listeningMs = monotonicNow() - t0;
  const pid = server.child.pid;
  const at = () => ({ main: mainCpuMs(pid), all: allCpuMs(pid) });
  const atListening = at();
  if (variant !== 'relay') await configure(server.url);
  const marks = [atListening, at()];
  const latencies = [];
  let seq = 0;
  for (const size of groups) {
    await sink.reset();
    const sent = new Map();
    const begin = performance.now();
    for (let i = 0; i < size; i++) {
      const wait = begin + (i * 1000) / rate - performance.now();
      if (wait > 1) await new Promise((r) => setTimeout(r, wait));
      sent.set(seq, monotonicNow());
      void putEvent(server.url, seq++);
    }
    const { arrivals } = await sink.until(size);
    marks.push(at());
    latencies.push([...sent].filter(([s]) => arrivals.has(s)).map(([s, t]) => arrivals.get(s) - t));
  }
  await server.stop();
  const cost = (kind) => marks.slice(1).map((m, i) => m[kind] - marks[i][kind]);
  return { listeningMs, main: cost('main'), all: cost('all'), latencies };
}

const results = Object.fromEntries(variants.map((v) => [v, []]));
for (let round = 0; round < rounds; round++) {
  for (const v of round % 2 === 0 ? variants : [...variants].reverse()) results[v].push(await run(v));
}
await sink.close();

const cell = (xs, digits = 1) => `${fmt(median(xs), digits)} (${fmt(Math.min(...xs), digits)}–${fmt(Math.max(...xs), digits)})`;
const labels = ['set-up', 'event 1', 'events 2–10', 'events 11–100', 'events 101–300'];
console.log(`A fresh server's first events, ${rounds} alternating runs per variant, median (min–max); events at ${rate}/s, each group delivered before the next`);
console.log(`| variant | spawn -> listening ms | ${labels.map((l) => `${l}: main-thread CPU ms`).join(' | ')} | all threads, set-up + 300 events, CPU ms | latency p50 / max, events 1–10, ms | latency p99, events 11–300, ms |`);
console.log(`|---|---:|${labels.map(() => '---:').join('|')}|---:|---|---:|`);
for (const [v, list] of Object.entries(results)) {
  const main = labels.map((_, i) => cell(list.map((r) => r.main[i])));
  const all = cell(list.map((r) => r.all.reduce((a, b) => a + b, 0)), 0);
  const first = list.map((r) => [...r.latencies[0], ...r.latencies[1]]);
  const rest = list.map((r) => [...r.latencies[2], ...r.latencies[3]]);
  console.log(`| ${v} | ${cell(list.map((r) => r.listeningMs), 0)} | ${main.join(' | ')} | ${all} | ${fmt(median(first.map((l) => percentile(l, 50))), 1)} / ${fmt(median(first.map((l) => Math.max(...l))), 1)} | ${fmt(median(rest.map((l) => percentile(l, 99))), 1)} |`);
}
