// Start-up timing shared by bench/startup/run.mjs and bench/startup/listening.mjs: make sure the
// checkout's dist/src/cli.js is the bundle `npm start` runs (not tsc's unbundled copy, which
// starts ~3x slower), time spawn -> the "listening on" line, and read the CPU the process tree
// had used by then (wall time on a shared machine mostly measures the other engineers' load).
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The bundle's first line (scripts/bundle.mjs's banner); tsc's cli.js has none of it. */
const bundleMark = '__eblCreateRequire';

function newestUnder(dir) {
  let newest = statSync(dir).mtimeMs;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestUnder(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** Why `root`'s dist/src/cli.js is not the current bundle, or undefined when it is. */
export function notTheBundle(root) {
  const cli = join(root, 'dist/src/cli.js');
  if (!existsSync(cli)) return 'dist/src/cli.js does not exist';
  if (!readFileSync(cli, 'utf8').slice(0, 300).includes(bundleMark)) return "dist/src/cli.js is tsc's unbundled output, not the bundle";
  if (existsSync(join(root, 'src')) && newestUnder(join(root, 'src')) > statSync(cli).mtimeMs) return 'src/ changed since the bundle was built';
  return undefined;
}

/** Builds `root` (npm run build: tsc, then the bundle) unless its dist/src/cli.js is the current bundle. */
export function ensureBundle(root) {
  const why = notTheBundle(root);
  if (!why) return;
  console.log(`${why}: running npm run build first`);
  execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
  const still = notTheBundle(root);
  if (still) throw new Error(`after npm run build: ${still}`);
}

// CPU time of a process, ms: the time on CPU of each of its live threads, from
// /proc/<pid>/task/<tid>/schedstat (nanoseconds). utime + stime of /proc/<pid>/stat count in
// clock ticks of 10 ms, too coarse for the 10-20 ms a change to start-up is worth.
function ownCpuMs(pid) {
  let ns = 0;
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    try {
      ns += Number(readFileSync(`/proc/${pid}/task/${task}/schedstat`, 'utf8').split(' ')[0]);
    } catch {
      // the thread ended in the meantime
    }
  }
  return ns / 1e6;
}
function childrenOf(pid) {
  const kids = [];
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    const text = readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim();
    if (text) kids.push(...text.split(' ').map(Number));
  }
  return kids;
}
/** CPU ms used so far by `pid` and every live descendant (npm start: npm, sh and node). */
export function treeCpuMs(pid) {
  let ms = 0;
  try {
    ms += ownCpuMs(pid);
    for (const kid of childrenOf(pid)) ms += treeCpuMs(kid);
  } catch {
    // gone in the meantime
  }
  return ms;
}

/** Spawn `cmd args` (cwd `cwd`) and resolve { ms, cpuMs } at its "listening on" line; then stops its process group. */
export function untilListening(cmd, args, cwd, timeoutMs = 60_000) {
  const t0 = performance.now();
  const child = spawn(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let out = '';
  let err = '';
  child.stderr.on('data', (d) => (err = (err + d).slice(-4000)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => (process.kill(-child.pid, 'SIGKILL'), reject(new Error(`${cmd}: no listening line in ${timeoutMs / 1000} s`))), timeoutMs);
    child.stdout.on('data', (d) => {
      out += d;
      if (!out.includes('listening on')) return;
      const ms = performance.now() - t0;
      const cpuMs = treeCpuMs(child.pid);
      clearTimeout(timer);
      child.once('exit', () => resolve({ ms, cpuMs }));
      process.kill(-child.pid, 'SIGTERM'); // the whole group: npm and the node it started
    });
    child.once('exit', (code) => { clearTimeout(timer); if (!out.includes('listening on')) reject(new Error(`${cmd} exited ${code}: ${err}`)); });
  });
}

/** The bare Node HTTP server printing the same line: the floor on this machine, in the same run. */
export const bareNodeServer = "require('node:http').createServer((q, s) => s.end('{}')).listen(0, '127.0.0.1', function () { console.log('listening on http://127.0.0.1:' + this.address().port); })";

/**
 * A folder whose package.json's `start` runs the bare Node server: `npm start --silent` there
 * is npm's own start-up on top of the same floor, the peer of the emulator's `npm start`.
 */
export function npmNoopProject(dir) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'bare.cjs'), `${bareNodeServer};\n`);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'npm-start-peer', private: true, scripts: { start: 'node bare.cjs' } }));
  return dir;
}

export const npmCommand = process.platform === 'win32' ? 'npm.cmd' : 'npm';

const sorted = (xs) => [...xs].sort((a, b) => a - b);
export const medianOf = (xs) => sorted(xs)[Math.floor(xs.length / 2)];
/** "median (min–max)" of a list of ms. */
export const spreadOf = (xs) => `${medianOf(xs).toFixed(0)} (${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)})`;
