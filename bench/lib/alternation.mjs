// Two servers alive at once under the ingest bench's load (100 rules, 2 matching, 4 captured deliveries per
// request unless told otherwise), the load moving between them in short windows so that both meet the same
// phases of the machine, optionally both pinned to one CPU with the load generator on the other. Used by
// bench/putevents/alternate.mjs (any two checkouts) and bench/putevents/run.mjs (the emulator beside the ceiling).
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { awsCall, awsOk, closedLoop, freePort, rawAwsCall, spawnAndWait, startServer } from './load.mjs';
import { ingestEntries, prepareIngestRules } from './ingestLoad.mjs';

/** Run time of all the process's threads so far, ms (/proc/<pid>/task/<tid>/schedstat). */
export function runMs(pid) {
  let ns = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
  return ns / 1e6;
}

/** Why pinning cannot be done here, or undefined when it can (taskset on the PATH, 2 CPUs or more). */
export function cannotPin() {
  if (availableParallelism() < 2) return 'pinning needs 2 CPUs: one for the servers, one for the load generator';
  try {
    execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' });
    return undefined;
  } catch (err) {
    return err.code === 'ENOENT' ? 'pinning needs taskset: install util-linux (apt-get install util-linux)' : `taskset failed: ${err.message}`;
  }
}

/** All threads of process `pid` on `cpus` (e.g. '0', or '0-1'); threads made later inherit it. */
export function pinTo(pid, cpus) {
  execFileSync('taskset', ['-a', '-p', '-c', String(cpus), String(pid)], { stdio: 'ignore' });
}

/**
 * A server under the ingest load, warmed for `warmUpSeconds`: a checkout's emulator (its dist/src/cli.js, in
 * memory, without the start-up warm-up), or `bare` / `bare+N`, the ceiling (with N µs of extra work per request).
 * `pin`: on CPU 0. `targets`: the 2 matching rules get their captured target.
 */
export async function startIngestServer(side, flags, { pin = false, targets = true, warmUpSeconds = 6 } = {}) {
  const bare = /^bare(?:\+(\d+(?:\.\d+)?))?$/.exec(side);
  const server = bare ? await startServer([...flags, 'bench/putevents/bareServer.mjs'], { BARE_EXTRA_US: bare[1] ?? '0' }) : await startEmulatorOf(side, flags);
  if (pin) pinTo(server.child.pid, 0);
  if (!bare) await prepareIngestRules((operation, input) => awsOk(server.url, operation, input), { matchingTargets: targets });
  server.call = rawAwsCall(server.url, 'PutEvents', { Entries: ingestEntries });
  await closedLoop(server.call, { seconds: warmUpSeconds });
  return server;
}

async function startEmulatorOf(checkout, flags) {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const script = join(resolve(checkout), 'dist/src/cli.js');
  return spawnAndWait(process.execPath, [...flags, script, '--port', String(port), '--log-level', 'silent', '--in-memory'], url, (u) => awsCall(u, 'ListRules', {}), {
    env: { EVENTBRIDGE_LOCAL_WARM_UP: '0' },
  });
}

/** Server CPU µs per request of A and B, window by window (A first in even windows, B first in odd ones). */
export async function alternatingWindows(servers, { windows, seconds }) {
  const perRequest = { A: [], B: [] };
  for (let w = 0; w < windows; w++) {
    for (const name of w % 2 ? ['B', 'A'] : ['A', 'B']) {
      const server = servers[name];
      const before = runMs(server.child.pid);
      const r = await closedLoop(server.call, { seconds, concurrency: 16 });
      if (r.failed) throw new Error(`${name}: ${r.failed} requests failed`);
      perRequest[name].push(((runMs(server.child.pid) - before) / (r.rps * r.seconds)) * 1000);
    }
  }
  return perRequest;
}
