// bench/controlplane: PutRule + PutTargets + DescribeRule round trips/s (one round trip = the
// three calls in sequence on one connection) against the emulator in memory, the emulator with
// its JSON store, and moto_server, alternating, in one run; medians and ratios.
// Run after `npm run build`: node bench/controlplane/run.mjs [seconds-per-round] [rounds] [--quick]
import { awsCall, closedLoop, fmt, median, quick, record, startEmulator, startMoto, tempDir } from '../lib/load.mjs';

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
