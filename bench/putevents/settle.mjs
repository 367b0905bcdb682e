// How long a server takes to settle under the ingest bench's load: from "listening", consecutive
// windows of the closed loop, each with the server's CPU per request (all its threads, from
// /proc/<pid>/task/*/schedstat), the main thread's share, and the page faults it took.
//   node bench/putevents/settle.mjs [windows=8] [seconds=2] [--bare] [--no-targets] [--no-rules] [--json-store]
// The ingest bench's warm-up (bench/putevents/run.mjs) is chosen from what this prints.
import { readdirSync, readFileSync } from 'node:fs';
import { awsCall, awsOk, closedLoop, emulatorCommand, fmt, freePort, nodeFlags, rawAwsCall, spawnAndWait, startServer, tempDir } from '../lib/load.mjs';
import { ingestEntries, prepareIngestRules } from '../lib/ingestLoad.mjs';

const numbers = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const windows = Number(numbers[0] ?? 8);
const seconds = Number(numbers[1] ?? 2);
const flag = (name) => process.argv.includes(name);

async function start() {
  if (flag('--bare')) return startServer([...nodeFlags, 'bench/putevents/bareServer.mjs']);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const store = flag('--json-store') ? ['--data-dir', tempDir()] : ['--in-memory'];
  const server = await spawnAndWait(process.execPath, [...emulatorCommand, '--port', String(port), '--log-level', 'silent', ...store], url, (u) => awsCall(u, 'ListRules', {}));
  await prepareIngestRules((operation, input) => awsOk(url, operation, input), { rules: flag('--no-rules') ? 0 : 100, matchingTargets: !flag('--no-targets') });
  return server;
}

/** Run time per thread so far, ns (schedstat's first field), by thread id; the main thread's id is the pid. */
function threadTimes(pid) {
  return new Map(readdirSync(`/proc/${pid}/task`).map((tid) => [tid, Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0])]));
}
const statFields = (pid) => readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
const minorFaults = (pid) => Number(statFields(pid)[7]);
/** The process's user and system CPU so far, ns (utime and stime, in clock ticks of 10 ms: Linux's USER_HZ). */
function userSystem(pid) {
  const f = statFields(pid);
  return [Number(f[11]) * 1e7, Number(f[12]) * 1e7];
}

const entries = ingestEntries;
const server = await start();
const pid = server.child.pid;
const call = rawAwsCall(server.url, 'PutEvents', { Entries: entries });
console.log(`${flag('--bare') ? 'bare server' : 'emulator'}: ${windows} windows of ${seconds} s from its set-up`);
// The user/system split: V8's CPU profile gives the socket write a share that grows as the server
// gets slower; the kernel's own accounting (system time) stays the same (BARE_EXTRA_US=N --bare:
// docs/performance.md, "Ingest: the Detail matched as text; where the kernel's part of a request goes").
console.log('| from, s | requests/s | server CPU per request, µs | main thread, µs | other threads, µs | user, µs | system, µs | load generator CPU per request, µs | page faults |');
console.log('|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
try {
  for (let w = 0; w < windows; w++) {
    const [t0, f0, us0, g0] = [threadTimes(pid), minorFaults(pid), userSystem(pid), process.cpuUsage()];
    const r = await closedLoop(call, { seconds, concurrency: 16 });
    const [t1, f1, us1, g1] = [threadTimes(pid), minorFaults(pid), userSystem(pid), process.cpuUsage(g0)];
    if (r.failed) throw new Error(`${r.failed} requests failed`);
    const requests = r.rps * r.seconds;
    let all = 0;
    for (const [tid, ns] of t1) all += ns - (t0.get(tid) ?? 0);
    const main = t1.get(String(pid)) - t0.get(String(pid));
    const us = (ns) => fmt(ns / 1000 / requests, 1);
    const generator = fmt((g1.user + g1.system) / requests, 1);
    console.log(`| ${fmt(w * seconds)} | ${fmt(r.rps)} | ${us(all)} | ${us(main)} | ${us(all - main)} | ${us(us1[0] - us0[0])} | ${us(us1[1] - us0[1])} | ${generator} | ${fmt(f1 - f0)} |`);
  }
} finally {
  await server.stop();
}
