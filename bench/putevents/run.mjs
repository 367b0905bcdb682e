// bench/putevents: PutEvents requests/s (10 entries each, 100 rules on the bus, 2 matching,
// captured targets) against the emulator (in memory and with the JSON store) and against a
// bare Node http server answering the same requests (the ceiling), alternating, in one run.
// Run after `npm run build`: node bench/putevents/run.mjs [seconds-per-round] [rounds]
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { awsCall, closedLoop, fmt, median, startServer } from '../lib/load.mjs';

const seconds = Number(process.argv[2] ?? 3);
const rounds = Number(process.argv[3] ?? 3);

const entries = Array.from({ length: 10 }, (_, i) => ({
  Source: i % 5 === 0 ? 'bench.orders' : `bench.other${i}`,
  DetailType: 'Order Placed',
  Detail: JSON.stringify({ orderId: `o-${i}`, total: 10 + i, items: [{ sku: 'a', qty: 1 }] }),
}));
const body = { Entries: entries };

async function prepareRules(url) {
  for (let i = 0; i < 100; i++) {
    const matching = i < 2;
    await awsCall(url, 'PutRule', {
      Name: `rule-${i}`,
      EventPattern: JSON.stringify(matching ? { source: ['bench.orders'], detail: { total: [{ numeric: ['>', 0] }] } } : { source: [`nomatch.${i}`], 'detail-type': ['Order Placed'] }),
    });
    await awsCall(url, 'PutTargets', { Rule: `rule-${i}`, Targets: [{ Id: 't', Arn: `arn:aws:sqs:us-east-1:000000000000:q${i}` }] });
  }
}

const competitors = {
  ceiling: () => startServer(['bench/putevents/bareServer.mjs']),
  'emulator (in memory)': () => startServer(['dist/src/cli.js', '--port', '0', '--in-memory', '--log-level', 'silent']),
  'emulator (JSON store)': () => startServer(['dist/src/cli.js', '--port', '0', '--data-dir', mkdtempSync(join(tmpdir(), 'ebl-bench-')), '--log-level', 'silent']),
};

const results = Object.fromEntries(Object.keys(competitors).map((k) => [k, []]));
for (let round = 0; round < rounds; round++) {
  for (const [name, start] of Object.entries(competitors)) {
    const server = await start();
    if (name !== 'ceiling') await prepareRules(server.url);
    await closedLoop(() => awsCall(server.url, 'PutEvents', body), { seconds: 0.5 }); // warm-up
    const r = await closedLoop(() => awsCall(server.url, 'PutEvents', body), { seconds });
    if (r.failed) throw new Error(`${name}: ${r.failed} requests failed`);
    results[name].push(r);
    await server.stop();
  }
}

const ceiling = median(results.ceiling.map((r) => r.rps));
console.log(`PutEvents, 10 entries per request, 100 rules (2 matching), ${rounds} alternating rounds of ${seconds}s, medians`);
console.log('| server | requests/s | events/s | p50 ms | p99 ms | vs ceiling |');
console.log('|---|---:|---:|---:|---:|---:|');
for (const [name, rs] of Object.entries(results)) {
  const rps = median(rs.map((r) => r.rps));
  console.log(`| ${name} | ${fmt(rps)} | ${fmt(rps * 10)} | ${fmt(median(rs.map((r) => r.p50)), 2)} | ${fmt(median(rs.map((r) => r.p99)), 2)} | ${fmt((rps / ceiling) * 100)} % |`);
}
