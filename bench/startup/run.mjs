// bench/startup: time from spawn to the first answered request (ListRules), and resident
// memory (VmRSS, peak VmHWM from /proc/<pid>/status) with 10,000 rules and with 100,000
// queued deliveries. Competitors: the emulator in memory, the emulator restarting on a JSON
// store that holds 10,000 rules, and moto_server (empty; it keeps nothing on disk).
// node bench/startup/run.mjs [rounds] [--quick] (it runs `npm run build` first unless dist/src/cli.js is the current bundle)
import http from 'node:http';
import os from 'node:os';
import { cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { awsCall, awsOk, emulatorCommand, fmt, forEachConcurrent, median, memoryOf, quick, record, root, startEmulator, startMoto, tempDir } from '../lib/load.mjs';
import { bareNodeServer, ensureBundle, medianOf, npmCommand, npmNoopProject, spreadOf, untilListening } from '../lib/startupTiming.mjs';

ensureBundle(root);

const numbers = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const rounds = Number(numbers[0] ?? 3);
const RULES = 10_000;
// AWS's default quota (and the emulator's limit) is 300 rules per bus, so 10,000 rules
// live on 34 buses of one account (AWS: 100 buses per account).
const RULES_PER_BUS = 300;
const QUEUED = Number(process.env.BENCH_QUEUED ?? 100_000);
const QUEUE_FILL_LIMIT_MS = 180_000;
// The JSON store holding 10,000 rules is kept in bench/.data/ between runs (BENCH_FRESH_STORE=1
// rebuilds it) and copied for each run. It is made through the API without a time limit (a
// busy machine makes it slower, never makes the bench fail).
const cachedStore = join(root, 'bench/.data/store-10k-rules');

function timed(label, fn) {
  const t0 = performance.now();
  return fn().then((v) => {
    console.log(`  ${label}: ${fmt((performance.now() - t0) / 1000, 1)} s`);
    return v;
  });
}

/** 10,000 rules (with one target each) on 34 buses, from 16 connections. Returns the count made. */
async function createRules(url, account) {
  const buses = Math.ceil(RULES / RULES_PER_BUS);
  for (let b = 0; b < buses; b++) await awsOk(url, 'CreateEventBus', { Name: `bench-${b}` });
  let made = 0;
  await forEachConcurrent(RULES, 16, async (i) => {
    const bus = `bench-${Math.floor(i / RULES_PER_BUS)}`;
    const name = `rule-${i}`;
    await awsOk(url, 'PutRule', { Name: name, EventBusName: bus, EventPattern: JSON.stringify({ source: [`bench.${i % 100}`], detail: { total: [{ numeric: ['>', i % 50] }] } }) });
    await awsOk(url, 'PutTargets', { Rule: name, EventBusName: bus, Targets: [{ Id: 't', Arn: `arn:aws:sqs:us-east-1:${account}:q${i % 10}` }] });
    made++;
  });
  return made;
}

/** Does the store in `dir` bring back all 10,000 rules (the last bus holds the last 100)? */
async function storeIsComplete(dir) {
  if (!existsSync(dir)) return false;
  try {
    const e = await startEmulator(dir);
    try {
      const last = await awsOk(e.url, 'ListRules', { EventBusName: `bench-${Math.ceil(RULES / RULES_PER_BUS) - 1}` });
      return last.Rules.length === RULES - RULES_PER_BUS * (Math.ceil(RULES / RULES_PER_BUS) - 1);
    } finally {
      await e.stop();
    }
  } catch {
    return false; // e.g. a state file this build no longer reads
  }
}

const memoryRows = [];
function noteMemory(label, pid) {
  const m = memoryOf(pid);
  memoryRows.push({ label, ...m });
  return m;
}

// 1. A JSON store holding 10,000 rules (made through the API), and RSS of the emulator that made it.
console.log('preparing ...');
if (process.env.BENCH_FRESH_STORE === '1' || !(await storeIsComplete(cachedStore))) {
  rmSync(cachedStore, { recursive: true, force: true });
  mkdirSync(cachedStore, { recursive: true });
  const e = await startEmulator(cachedStore);
  const made = await timed(`emulator (JSON store): ${fmt(RULES)} rules + targets created`, () => createRules(e.url, '000000000000'));
  noteMemory(`emulator (JSON store), ${fmt(made)} rules, after creating them`, e.child.pid);
  await e.stop();
} else {
  console.log(`  reusing the JSON store with ${fmt(RULES)} rules in ${cachedStore}`);
}
const storeDir = tempDir();
cpSync(cachedStore, storeDir, { recursive: true });

// 2. Start-up, alternating; RSS of the restarted JSON-store emulator with its 10,000 rules.
const starters = {
  'emulator (in memory, empty)': () => startEmulator(),
  [`emulator (JSON store, ${fmt(RULES)} rules)`]: () => startEmulator(storeDir),
  'moto_server (empty)': () => startMoto(),
};
const startup = Object.fromEntries(Object.keys(starters).map((k) => [k, []]));
for (let round = 0; round < rounds; round++) {
  for (const [name, start] of Object.entries(starters)) {
    const s = await start();
    startup[name].push(s.startupMs);
    if (round === 0) {
      if (name.includes('JSON store')) {
        const rules = await awsOk(s.url, 'ListRules', { EventBusName: 'bench-0' });
        if (rules.Rules.length !== 100 && !rules.NextToken) throw new Error('the JSON store did not bring its rules back');
      }
      noteMemory(`${name}, idle after start-up`, s.child.pid);
    }
    await s.stop();
  }
}

// 2b. Spawn -> the "listening" line (what a user waits for), alternating round by round with
// two peers from the same run: a bare Node server printing the same line (the floor on this
// machine) and `npm start` of a project whose start script is that bare server (npm's own
// start-up on top of the floor). Wall time, and the CPU the process tree had used by then (the
// figure a busy machine disturbs least).
const cli = [process.execPath, [...emulatorCommand, '--port', '0', '--log-level', 'silent']];
const npmPeer = npmNoopProject(tempDir());
const listenPaths = {
  'bare Node server (peer)': () => [process.execPath, ['-e', bareNodeServer], root],
  'npm start of the bare Node server (npm peer)': () => [npmCommand, ['start', '--silent'], npmPeer],
  'node dist/src/cli.js, empty data folder': () => [cli[0], [...cli[1], '--data-dir', tempDir()], root],
  [`node dist/src/cli.js, JSON store with ${fmt(RULES)} rules`]: () => [cli[0], [...cli[1], '--data-dir', storeDir], root],
  'npm start, empty data folder': () => [npmCommand, ['start', '--silent', '--', '--port', '0', '--log-level', 'silent', '--data-dir', tempDir()], root],
};
const listening = Object.fromEntries(Object.keys(listenPaths).map((k) => [k, []]));
const listenRounds = Math.max(rounds, quick ? 3 : 5);
const loadBefore = os.loadavg()[0];
for (let round = 0; round < listenRounds; round++) {
  for (const [name, how] of Object.entries(listenPaths)) listening[name].push(await untilListening(...how()));
}
const wallOf = (name) => listening[name].map((x) => x.ms);
const cpuOf = (name) => listening[name].map((x) => x.cpuMs);
const bareMs = medianOf(wallOf('bare Node server (peer)'));
const bareCpu = medianOf(cpuOf('bare Node server (peer)'));
const npmPeerMs = medianOf(wallOf('npm start of the bare Node server (npm peer)'));
console.log(`\nStart-up: spawn -> "listening on", ${listenRounds} alternating rounds, median (min–max); load average ${loadBefore.toFixed(1)} before, ${os.loadavg()[0].toFixed(1)} after`);
console.log('| command | wall ms | vs bare Node | CPU ms (process tree) | CPU vs bare Node |');
console.log('|---|---:|---:|---:|---:|');
for (const name of Object.keys(listening)) {
  console.log(`| ${name} | ${spreadOf(wallOf(name))} | ${fmt(medianOf(wallOf(name)) / bareMs, 2)}x | ${spreadOf(cpuOf(name))} | ${fmt(medianOf(cpuOf(name)) / bareCpu, 2)}x |`);
}
console.log(`npm's own start-up (npm peer - bare Node): ${fmt(npmPeerMs - bareMs)} ms wall`);
for (const name of Object.keys(listening).filter((k) => k.startsWith('node ') || k.startsWith('npm start,'))) {
  const xs = wallOf(name);
  const viaNpm = name.startsWith('npm');
  record({
    row: 'startup',
    metric: `Start-up to "listening", ${name}`,
    before: viaNpm ? '~0.65 s (newcomer issue)' : '767 ms (bare Node 200 ms)',
    emulator: `${spreadOf(xs)} ms, CPU ${spreadOf(cpuOf(name))} ms`,
    competitors: viaNpm ? `npm start of a bare Node server ${fmt(npmPeerMs)} ms; bare Node ${fmt(bareMs)} ms` : `bare Node ${fmt(bareMs)} ms (CPU ${fmt(bareCpu)} ms)`,
    ratio: viaNpm ? `${fmt(medianOf(xs) / npmPeerMs, 2)}x the npm peer` : `${fmt(medianOf(xs) / bareMs, 2)}x`,
    goal: '< 400 ms',
    met: medianOf(xs) < 400,
  });
}

// 3. RSS with 10,000 rules made through the API in memory (emulator and moto; full runs only).
if (!quick) {
  const e = await startEmulator();
  const made = await timed(`emulator (in memory): ${fmt(RULES)} rules + targets created`, () => createRules(e.url, '000000000000'));
  noteMemory(`emulator (in memory), ${fmt(made)} rules made through the API`, e.child.pid);
  await e.stop();
  const m = await startMoto();
  const motoMade = await timed(`moto_server: ${fmt(RULES)} rules + targets created`, () => createRules(m.url, '123456789012'));
  noteMemory(`moto_server, ${fmt(motoMade)} rules made through the API`, m.child.pid);
  await m.stop();
}

// 4. RSS with 100,000 queued deliveries: a rule sends every event to an API destination
// limited to 1 invocation/s whose server is a local sink, so deliveries wait in the queue.
let sinkArrivals = 0;
const sinkServer = http.createServer((req, res) => req.resume().on('end', () => (sinkArrivals++, res.writeHead(200).end('{}'))));
await new Promise((r) => sinkServer.listen(0, '127.0.0.1', r));
const queue = {};
{
  const e = await startEmulator();
  const connection = await awsOk(e.url, 'CreateConnection', { Name: 'slow', AuthorizationType: 'API_KEY', AuthParameters: { ApiKeyAuthParameters: { ApiKeyName: 'x-api-key', ApiKeyValue: 'k' } } });
  const destination = await awsOk(e.url, 'CreateApiDestination', { Name: 'slow', ConnectionArn: connection.ConnectionArn, InvocationEndpoint: `http://127.0.0.1:${sinkServer.address().port}/`, HttpMethod: 'POST', InvocationRateLimitPerSecond: 1 });
  await awsOk(e.url, 'PutRule', { Name: 'to-slow', EventPattern: '{"source":["bench.queue"]}' });
  await awsOk(e.url, 'PutTargets', { Rule: 'to-slow', Targets: [{ Id: 'slow', Arn: destination.ApiDestinationArn, RoleArn: 'arn:aws:iam::000000000000:role/r' }] });
  const t0 = performance.now();
  let accepted = 0;
  await forEachConcurrent(QUEUED / 10, 16, async (i) => {
    if (performance.now() - t0 > QUEUE_FILL_LIMIT_MS) return;
    const entries = Array.from({ length: 10 }, (_, k) => ({ Source: 'bench.queue', DetailType: 'Queued', Detail: JSON.stringify({ seq: i * 10 + k, total: 12, note: 'waiting for a slow destination' }) }));
    const r = await awsCall(e.url, 'PutEvents', { Entries: entries });
    if (r.status === 200) accepted += 10 - JSON.parse(r.body).FailedEntryCount;
  });
  queue.fillSeconds = (performance.now() - t0) / 1000;
  queue.accepted = accepted;
  console.log(`  emulator (in memory): ${fmt(accepted)} events accepted in ${fmt(queue.fillSeconds, 1)} s`);
  Object.assign(queue, noteMemory(`emulator (in memory), ${fmt(accepted)} events accepted for a 1/s API destination`, e.child.pid));
  // Confirm the queue from the emulator's own view (pages of 1,000), bounded in time.
  const tc = performance.now();
  let pending = 0;
  let token;
  do {
    const res = await fetch(`${e.url}/_eventbridge-local/deliveries?status=pending&limit=1000${token ? `&nextToken=${token}` : ''}`);
    const page = await res.json();
    pending += page.deliveries.length;
    token = page.nextToken;
  } while (token && !quick && performance.now() - tc < 120_000);
  queue.pending = pending;
  queue.expected = accepted - sinkArrivals; // accepted minus those the 1/s destination already delivered
  queue.countComplete = !token;
  queue.countSeconds = (performance.now() - tc) / 1000;
  console.log(`  accepted - delivered to the sink so far: ${fmt(queue.expected)}`);
  console.log(`  pending deliveries per GET /_eventbridge-local/deliveries?status=pending: ${fmt(pending)}${token ? ' (stopped paging: quick run or 120 s)' : ''} (${fmt(queue.countSeconds, 1)} s to page through)`);
  await e.stop();
}
sinkServer.close();

const ms = Object.fromEntries(Object.entries(startup).map(([k, v]) => [k, median(v)]));
console.log(`\nStart-up: spawn -> first answered ListRules, ${rounds} alternating rounds, medians`);
console.log('| server | ms (median) | runs |');
console.log('|---|---:|---|');
for (const [name, v] of Object.entries(startup)) console.log(`| ${name} | ${fmt(ms[name])} | ${v.map((x) => fmt(x)).join(', ')} |`);
console.log('\nMemory (from /proc/<pid>/status)');
console.log('| state | VmRSS MB | VmHWM MB |');
console.log('|---|---:|---:|');
for (const r of memoryRows) console.log(`| ${r.label} | ${fmt(r.rssMb, 1)} | ${fmt(r.hwmMb, 1)} |`);

const motoStart = ms['moto_server (empty)'];
for (const name of Object.keys(starters).filter((k) => k.startsWith('emulator'))) {
  record({ metric: `Start-up to first answer, ${name.replace(/^emulator \((.*)\)$/, '$1')}`, emulator: `${fmt(ms[name])} ms`, competitors: `moto (empty) ${fmt(motoStart)} ms`, ratio: `${fmt(ms[name] / motoStart, 2)}x`, goal: '< 1 s', met: ms[name] < 1000 });
}
const mem10k = memoryRows.find((r) => r.label === `emulator (in memory), ${fmt(RULES)} rules made through the API`);
const moto10k = memoryRows.find((r) => r.label === `moto_server, ${fmt(RULES)} rules made through the API`);
const json10k = memoryRows.find((r) => r.label.startsWith(`emulator (JSON store, ${fmt(RULES)} rules), idle`));
if (mem10k) record({ metric: `RSS with ${fmt(RULES)} rules (34 buses) made in memory, MB (peak)`, emulator: `${fmt(mem10k.rssMb)} (${fmt(mem10k.hwmMb)})`, competitors: moto10k ? `moto ${fmt(moto10k.rssMb)} (${fmt(moto10k.hwmMb)})` : 'moto: full run only', ratio: moto10k ? `${fmt(mem10k.rssMb / moto10k.rssMb, 2)}x` : '-', goal: '< 150 MB', met: mem10k.rssMb < 150 });
record({ metric: `RSS with ${fmt(RULES)} rules (34 buses), restarted from the JSON store, MB (peak)`, emulator: `${fmt(json10k.rssMb)} (${fmt(json10k.hwmMb)})`, competitors: `moto (empty) ${fmt(memoryRows.find((r) => r.label.startsWith('moto_server (empty)')).rssMb)}`, ratio: '-', goal: '< 150 MB', met: json10k.rssMb < 150 });
const pendingNote = queue.countComplete ? `${fmt(queue.pending)} pending counted` : `${fmt(queue.expected)} accepted - delivered (quick: not paged)`;
record({ metric: `RSS with ${fmt(queue.accepted)} queued deliveries (in memory; ${pendingNote}; queue filled in ${fmt(queue.fillSeconds)} s), MB (peak)`, emulator: `${fmt(queue.rssMb)} (${fmt(queue.hwmMb)})`, competitors: '-', ratio: '-', goal: '-', met: '-' });
