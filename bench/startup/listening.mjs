// Time from spawn to the "listening" line, alternating round by round (the machine is shared):
// `npm start` and plain `node` (npm start's command) on an empty data folder, on the 10,000-rule
// JSON store when bench/startup/run.mjs has made it (bench/.data/store-10k-rules), and two peers
// from the same run: a bare Node server printing the same line, and `npm start` of a project
// whose start script is that server (npm's own start-up). Wall and process-tree CPU ms.
//   node bench/startup/listening.mjs [rounds]      (default 5)
// BENCH_ROOT=<checkout> measures another checkout (e.g. an older commit); BENCH_BASELINE=<checkout>
// adds that checkout's `node` rows to the same alternating rounds (before -> after in one run).
// Whichever checkout it times, it first makes sure its dist/src/cli.js is the current bundle
// (else runs npm run build there).
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { emulatorCommand } from '../lib/load.mjs';
import { bareNodeServer, ensureBundle, medianOf, npmCommand, npmNoopProject, spreadOf, untilListening } from '../lib/startupTiming.mjs';

const here = fileURLToPath(new URL('../..', import.meta.url));
const root = process.env.BENCH_ROOT ?? here;
const rounds = Number(process.argv[2] ?? 5);
const baseline = process.env.BENCH_BASELINE;
ensureBundle(root);
if (baseline) ensureBundle(baseline);

const scratch = mkdtempSync(join(tmpdir(), 'ebl-startup-'));
let n = 0;
const emptyDir = () => join(scratch, `empty-${n++}`);
const cachedStore = join(here, 'bench/.data/store-10k-rules');
const storeDir = join(scratch, 'store-10k');
if (existsSync(cachedStore)) cpSync(cachedStore, storeDir, { recursive: true });
else console.log(`(no ${cachedStore}: bench/startup/run.mjs makes it; timing the empty starts only)`);
// The baseline gets its own copy: a start may rewrite the store (e.g. a schema upgrade).
const baselineStore = join(scratch, 'store-10k-baseline');
if (baseline && existsSync(storeDir)) cpSync(storeDir, baselineStore, { recursive: true });
const npmPeer = npmNoopProject(join(scratch, 'npm-peer'));
const flags = ['--port', '0', '--log-level', 'silent'];
// npm start's own command line (its node flags included).
const node = [process.execPath, [...emulatorCommand, ...flags]];

const paths = {
  'bare Node server (peer)': () => [process.execPath, ['-e', bareNodeServer], root],
  'npm start of the bare Node server (npm peer)': () => [npmCommand, ['start', '--silent'], npmPeer],
  'node (npm start\'s command), empty': () => [node[0], [...node[1], '--data-dir', emptyDir()], root],
  ...(existsSync(storeDir) ? { 'node (npm start\'s command), 10,000 rules': () => [node[0], [...node[1], '--data-dir', storeDir], root] } : {}),
  ...(baseline
    ? {
        'baseline node, empty': () => [node[0], [...node[1], '--data-dir', emptyDir()], baseline],
        ...(existsSync(storeDir) ? { 'baseline node, 10,000 rules': () => [node[0], [...node[1], '--data-dir', baselineStore], baseline] } : {}),
      }
    : {}),
  'npm start, empty': () => [npmCommand, ['start', '--silent', '--', ...flags, '--data-dir', emptyDir()], root],
};
const times = Object.fromEntries(Object.keys(paths).map((k) => [k, []]));
const load0 = loadavg()[0];
try {
  for (let r = 0; r < rounds; r++) for (const [name, how] of Object.entries(paths)) times[name].push(await untilListening(...how()));
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
console.log(`load average ${load0.toFixed(2)} before, ${loadavg()[0].toFixed(2)} after; ${rounds} alternating rounds; spawn -> "listening", median (min–max)`);
const bare = medianOf(times['bare Node server (peer)'].map((x) => x.ms));
for (const [name, xs] of Object.entries(times)) {
  const ms = xs.map((x) => x.ms);
  console.log(`${name}: wall ${spreadOf(ms)} ms (${(medianOf(ms) / bare).toFixed(2)}x bare Node), CPU ${spreadOf(xs.map((x) => x.cpuMs))} ms`);
}
