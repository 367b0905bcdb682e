// bench/controlplane: PutRule + PutTargets + DescribeRule round trips/s (one round trip = the
// three calls in sequence on one connection) against the emulator in memory, the emulator with
// its JSON store, and moto_server, alternating, in one run; medians and ratios.
// Then (issue 24) 10,000 rules with a target each made through the API, in memory and with the
// JSON store, alternating: PutRule + PutTargets rate, the time for 10,000, and RSS just after
// (in memory, JSON store) and after a restart on the JSON store. No wall-clock limit.
// Run after `npm run build`: node bench/controlplane/run.mjs [seconds-per-round] [rounds] [--quick]
// (BENCH_RULE_ROUNDS: rounds of the 10,000-rule part, 3 at least)
import { awsCall, awsOk, closedLoop, fmt, forEachConcurrent, median, memoryOf, quick, record, root, startEmulator, startMoto, tempDir } from '../lib/load.mjs';
import { ensureBundle } from '../lib/startupTiming.mjs';

ensureBundle(root);

const numbers = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const seconds = Number(numbers[0] ?? (quick ? 2 : 3));
const rounds = Number(numbers[1] ?? 3);
// The emulator enforces AWS's default quota of 300 rules per bus: cycle over 250 names, so
// most PutRule calls update an existing rule once the first 250 exist (on every server).
const NAMES = 250;

const competitors = {
  'emulator (in memory)': { start: () => startEmulator(), account: '000000000000' },
  'emulator (JSON store)': { start: () => startEmulator(tempDir()), account: '000000000000' },
  moto_server: { start: () => startMoto(), account: '123456789012' },
};

function roundTrip(url, account) {
  let i = 0;
  return async () => {
    const name = `cp-${i++ % NAMES}`;
    const a = await awsCall(url, 'PutRule', { Name: name, EventPattern: JSON.stringify({ source: ['bench.cp'], detail: { n: [{ numeric: ['>', i % 100] }] } }) });
    if (a.status !== 200) return a;
    const b = await awsCall(url, 'PutTargets', { Rule: name, Targets: [{ Id: 't', Arn: `arn:aws:sqs:us-east-1:${account}:cp` }] });
    if (b.status !== 200) return b;
    const c = await awsCall(url, 'DescribeRule', { Name: name });
    if (c.status === 200 && JSON.parse(c.body).Name !== name) return { status: 500 };
    return c;
  };
}

const results = Object.fromEntries(Object.keys(competitors).map((k) => [k, []]));
for (let round = 0; round < rounds; round++) {
  for (const [name, { start, account }] of Object.entries(competitors)) {
    const server = await start();
    try {
      await closedLoop(roundTrip(server.url, account), { seconds: 0.5 }); // warm-up
      const r = await closedLoop(roundTrip(server.url, account), { seconds });
      if (r.failed) throw new Error(`${name}: ${r.failed} round trips failed`);
      results[name].push(r);
    } finally {
      await server.stop();
    }
  }
}

const rps = Object.fromEntries(Object.entries(results).map(([name, rs]) => [name, median(rs.map((r) => r.rps))]));
console.log(`PutRule + PutTargets + DescribeRule round trips, 16 connections, ${rounds} alternating rounds of ${seconds}s, medians`);
console.log('| server | round trips/s | calls/s | p50 ms | p99 ms | vs moto_server |');
console.log('|---|---:|---:|---:|---:|---:|');
for (const [name, rs] of Object.entries(results)) {
  const p = (k) => fmt(median(rs.map((r) => r[k])), 2);
  console.log(`| ${name} | ${fmt(rps[name])} | ${fmt(rps[name] * 3)} | ${p('p50')} | ${p('p99')} | ${fmt(rps[name] / rps.moto_server, 1)}x |`);
}
for (const kind of ['in memory', 'JSON store']) {
  const v = rps[`emulator (${kind})`];
  record({ metric: `Control plane: round trips/s (${kind}) vs moto_server`, emulator: fmt(v), competitors: `moto ${fmt(rps.moto_server)}`, ratio: `${fmt(v / rps.moto_server, 1)}x`, goal: '-', met: '-' });
}

// 10,000 rules (AWS's quota is 300 per bus: 34 buses), PutRule + PutTargets from 16 connections.
const RULES = 10_000;
const RULES_PER_BUS = 300;
// Three alternating rounds at least (one round gave a ratio without a spread): ~1-2 minutes.
const buildRounds = Math.max(3, Number(process.env.BENCH_RULE_ROUNDS ?? 3));
async function makeRules(url) {
  for (let b = 0; b < Math.ceil(RULES / RULES_PER_BUS); b++) await awsOk(url, 'CreateEventBus', { Name: `bench-${b}` });
  const t0 = performance.now();
  await forEachConcurrent(RULES, 16, async (i) => {
    const bus = `bench-${Math.floor(i / RULES_PER_BUS)}`;
    await awsOk(url, 'PutRule', { Name: `rule-${i}`, EventBusName: bus, EventPattern: JSON.stringify({ source: [`bench.${i % 100}`], detail: { total: [{ numeric: ['>', i % 50] }] } }) });
    await awsOk(url, 'PutTargets', { Rule: `rule-${i}`, EventBusName: bus, Targets: [{ Id: 't', Arn: `arn:aws:sqs:us-east-1:000000000000:q${i % 10}` }] });
  });
  return (performance.now() - t0) / 1000;
}
const made = { memory: [], json: [] };
const rss = { memory: [], json: [], restarted: [] };
for (let round = 0; round < buildRounds; round++) {
  for (const kind of ['memory', 'json']) {
    const dir = kind === 'json' ? tempDir() : undefined;
    const e = await startEmulator(dir);
    const seconds = await makeRules(e.url);
    made[kind].push(seconds);
    rss[kind].push(memoryOf(e.child.pid));
    await e.stop();
    if (dir) {
      const again = await startEmulator(dir);
      const last = await awsOk(again.url, 'ListRules', { EventBusName: `bench-${Math.ceil(RULES / RULES_PER_BUS) - 1}` });
      if (last.Rules.length !== RULES % RULES_PER_BUS) throw new Error('the restarted JSON store did not bring its rules back');
      rss.restarted.push(memoryOf(again.child.pid));
      await again.stop();
    }
  }
}
const spread = (xs, digits = 0) => `${fmt(Math.min(...xs), digits)}–${fmt(Math.max(...xs), digits)}`;
const rate = (kind) => made[kind].map((s) => RULES / s);
const ratios = made.json.map((s, i) => made.memory[i] / s);
console.log(`\n${fmt(RULES)} rules + targets (34 buses, 16 connections), ${buildRounds} alternating round(s)`);
console.log('| store | rules/s (median, min–max) | s for 10,000 | RSS MB just after (peak) |');
console.log('|---|---:|---:|---:|');
for (const kind of ['memory', 'json']) {
  const m = rss[kind];
  console.log(`| ${kind === 'json' ? 'JSON store' : 'in memory'} | ${fmt(median(rate(kind)))} (${spread(rate(kind))}) | ${made[kind].map((s) => fmt(s, 1)).join(', ')} | ${m.map((x) => `${fmt(x.rssMb, 1)} (${fmt(x.hwmMb, 1)})`).join(', ')} |`);
}
console.log(`| JSON store, restarted | - | - | ${rss.restarted.map((x) => `${fmt(x.rssMb, 1)} (${fmt(x.hwmMb, 1)})`).join(', ')} |`);
console.log(`JSON store vs in memory, rules/s ratio per round: ${ratios.map((r) => fmt(r, 2)).join(', ')}; median ${fmt(median(ratios), 2)}x (${spread(ratios, 2)})`);
const worst = (xs) => xs.reduce((a, b) => (b.rssMb > a.rssMb ? b : a));
record({ row: 'putrule-json', metric: 'PutRule + PutTargets with the JSON store vs in memory, rules/s', before: '~100/s vs 344/s (0.29x)', emulator: `${fmt(median(rate('json')))}/s`, competitors: `in memory ${fmt(median(rate('memory')))}/s`, ratio: `${fmt(median(ratios), 2)}x (${spread(ratios, 2)})`, goal: '≥ 0.8x', met: median(ratios) >= 0.8 });
record({ row: 'putrule-json', metric: `${fmt(RULES)} rules + targets made with the JSON store, s`, before: '98–120 s', emulator: `${fmt(median(made.json), 1)} s (${spread(made.json, 1)})`, competitors: `in memory ${fmt(median(made.memory), 1)} s`, ratio: '-', goal: '< 15 s', met: median(made.json) < 15 });
for (const [kind, label, before] of [['json', 'JSON store, just after making them', '174–213 MB (peak 237)'], ['memory', 'in memory, just after making them', '99.6 MB'], ['restarted', 'JSON store, restarted', '78 MB']]) {
  const w = worst(rss[kind]);
  record({ row: 'rss-10k', metric: `RSS with ${fmt(RULES)} rules, ${label}, MB (peak), worst of ${rss[kind].length}`, before, emulator: `${fmt(w.rssMb)} (${fmt(w.hwmMb)})`, competitors: '-', ratio: '-', goal: '< 150 MB', met: w.rssMb < 150 && w.hwmMb < 150 });
}


// Every control-plane write on the journal (issue 24): CreateSchedule with the JSON store vs in memory.
await import('./schedules.mjs');
