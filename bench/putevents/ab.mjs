// A/B of two built checkouts under the ingest bench's load, alternating round by round:
//   node bench/putevents/ab.mjs <checkout-A> <checkout-B> [rounds] [seconds] [--no-rules] [--no-targets] [--json-store] [--rate=N] [--warm-up=S]
// Prints each build's server CPU per request per round and the median with min–max: on a shared
// machine requests/s follow the neighbours, CPU per request much less. CPU is the run time of all
// the server's threads from /proc/<pid>/task/*/schedstat (nanoseconds); /proc/<pid>/stat's user and
// system times (also printed) come in steps too coarse for 3 s rounds here (0.008 ms per request).
// A checkout named `bare` is the ingest bench's ceiling (bench/putevents/bareServer.mjs) instead;
// `bare+N` is the ceiling with N µs of extra CPU work per request (its BARE_EXTRA_US).
// --rate=N sends N requests/s to both (pacedLoop) instead of as many as they answer: CPU per request
// falls as the rate rises, and under a closed loop the rate is the neighbours' to set.
// --warm-up=S: load before each timed round (default 0.5 s). The emulator with deliveries took 2-8 s to
// settle (bench/putevents/settle.mjs); a short warm-up measures some of its cold phase too.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { awsOk, closedLoop, fmt, freePort, median, pacedLoop, rawAwsCall, spawnAndWait, startServer, tempDir, awsCall, nodeFlags } from '../lib/load.mjs';
import { ingestEntries, prepareIngestRules } from '../lib/ingestLoad.mjs';

const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const [a, b] = args;
if (!a || !b) throw new Error('usage: ab.mjs <checkout-A> <checkout-B> [rounds] [seconds] [--no-rules] [--no-targets] [--json-store]');
const rounds = Number(args[2] ?? 4);
const seconds = Number(args[3] ?? 3);
const ruleCount = process.argv.includes('--no-rules') ? 0 : 100;
const withTargets = !process.argv.includes('--no-targets');
const jsonStore = process.argv.includes('--json-store');
const warmUpSeconds = Number(process.argv.find((a) => a.startsWith('--warm-up='))?.slice('--warm-up='.length) ?? 0.5);
const rate = Number(process.argv.find((a) => a.startsWith('--rate='))?.slice('--rate='.length) ?? 0);

const entries = ingestEntries;

/** User and system CPU time of a process so far, ms (clock ticks of 10 ms). */
function cpuMs(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return { user: Number(fields[11]) * 10, system: Number(fields[12]) * 10 };
}

/** Run time of all the process's threads so far, ms (schedstat: nanoseconds on the CPU). */
function runMs(pid) {
  let ns = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
  return ns / 1e6;
}

async function start(checkout) {
  const bare = /^bare(?:\+(\d+(?:\.\d+)?))?$/.exec(checkout);
  if (bare) return startServer([...nodeFlags, 'bench/putevents/bareServer.mjs'], { BARE_EXTRA_US: bare[1] ?? '0' });
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const flags = JSON.parse(readFileSync(join(checkout, 'package.json'), 'utf8')).scripts.start.split(/\s+/).slice(1, -1);
  const store = jsonStore ? ['--data-dir', tempDir()] : ['--in-memory'];
  const server = await spawnAndWait(process.execPath, [...flags, join(checkout, 'dist/src/cli.js'), '--port', String(port), '--log-level', 'silent', ...store], url, (u) => awsCall(u, 'ListRules', {}));
  await prepareIngestRules((operation, input) => awsOk(url, operation, input), { rules: ruleCount, matchingTargets: withTargets });
  return server;
}

const cpu = { A: [], B: [] };
const userCpu = { A: [], B: [] };
for (let round = 0; round < rounds; round++) {
  for (const [name, checkout] of round % 2 ? [['B', b], ['A', a]] : [['A', a], ['B', b]]) {
    const server = await start(checkout);
    try {
      const call = rawAwsCall(server.url, 'PutEvents', { Entries: entries });
      await closedLoop(call, { seconds: warmUpSeconds });
      const cpu0 = cpuMs(server.child.pid);
      const run0 = runMs(server.child.pid);
      const r = rate ? await pacedLoop(call, { rate, seconds }) : await closedLoop(call, { seconds });
      if (r.failed) throw new Error(`${name}: ${r.failed} requests failed`);
      const cpu1 = cpuMs(server.child.pid);
      const run1 = runMs(server.child.pid);
      const requests = r.rps * r.seconds;
      const perRequest = (run1 - run0) / requests;
      const userPerRequest = (cpu1.user - cpu0.user) / requests;
      cpu[name].push(perRequest);
      userCpu[name].push(userPerRequest);
      console.log(`round ${round + 1} ${name}: ${fmt(r.rps)} requests/s, server CPU ${fmt(perRequest, 4)} ms per request (user ${fmt(userPerRequest, 3)}, stat)`);
    } finally {
      await server.stop();
    }
  }
}
const text = (v, d = 4) => `${fmt(median(v), d)} ms (${fmt(Math.min(...v), d)}–${fmt(Math.max(...v), d)})`;
console.log(`A ${a}: ${text(cpu.A)}, user ${text(userCpu.A)}\nB ${b}: ${text(cpu.B)}, user ${text(userCpu.B)}`);
console.log(`B/A per round: ${cpu.B.map((x, i) => fmt(x / cpu.A[i], 2)).join(', ')}`);
