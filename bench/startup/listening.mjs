// Time from spawn to the "listening" line, for `npm start` and for plain `node`, alternating
// round by round (the machine is shared). Run after `npm run build`:
//   node bench/startup/listening.mjs [rounds]      (default 5)
// BENCH_ROOT=<checkout> measures another built checkout (e.g. a build of an older commit).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = process.env.BENCH_ROOT ?? fileURLToPath(new URL('../..', import.meta.url));
const rounds = Number(process.argv[2] ?? 5);
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function untilListening(cmd, args) {
  const dir = mkdtempSync(join(tmpdir(), 'ebl-startup-'));
  const t0 = performance.now();
  const child = spawn(cmd, [...args, '--port', '0', '--data-dir', dir], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let out = '';
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { process.kill(-child.pid, 'SIGKILL'); reject(new Error('no listening line in 30 s')); }, 30_000);
    child.stdout.on('data', (d) => {
      out += d;
      if (!out.includes('listening on')) return;
      const ms = performance.now() - t0;
      clearTimeout(timer);
      child.once('exit', () => { rmSync(dir, { recursive: true, force: true }); resolve(ms); });
      process.kill(-child.pid, 'SIGTERM'); // npm's whole group: npm and the node it started
    });
    child.once('exit', (code) => { clearTimeout(timer); if (!out.includes('listening on')) reject(new Error(`exited ${code}: ${err}`)); });
  });
}

const paths = {
  'npm start': [npm, ['start', '--silent', '--']],
  'node (npm start\'s command)': [process.execPath, ['--v8-pool-size=1', 'dist/src/cli.js']],
};
const times = Object.fromEntries(Object.keys(paths).map((k) => [k, []]));
const load0 = loadavg()[0];
for (let r = 0; r < rounds; r++) for (const [name, [cmd, args]] of Object.entries(paths)) times[name].push(await untilListening(cmd, args));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(`load average ${load0.toFixed(2)} before, ${loadavg()[0].toFixed(2)} after; ${rounds} rounds; ms to "listening"`);
for (const [name, xs] of Object.entries(times)) console.log(`${name}: ${xs.map((x) => x.toFixed(0)).join(', ')} (median ${median(xs).toFixed(0)})`);
