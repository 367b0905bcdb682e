// npm run bench: build, then run every benchmark under bench/ in turn, print each one's
// tables, and end with one summary table (metric | emulator | competitors | ratio | goal | met?).
//   npm run bench                 full run (8-11 minutes on 2 shared cores)
//   BENCH_QUICK=1 npm run bench   quick run (4-6 minutes; shorter rounds, fewer events, no paging of the 100,000-delivery queue)
//   npm run bench -- --quick      the same
//   npm run bench -- ingest delivery   only the named benches (names below)
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));
const args = process.argv.slice(2);
const quick = ['1', 'true'].includes(process.env.BENCH_QUICK ?? '') || args.includes('--quick');
const only = args.filter((a) => !a.startsWith('--'));

const benches = [
  ['matching', ['bench/patterns/run.mjs', ...(quick ? ['--events', '30000'] : [])]],
  ['ingest', ['bench/putevents/run.mjs']],
  ['control-plane', ['bench/controlplane/run.mjs']],
  ['delivery', ['bench/delivery/throughput.mjs']],
  ['latency', ['bench/putevents/latency.mjs']],
  ['startup', ['bench/startup/run.mjs', ...(quick ? ['2'] : [])]],
];
const unknown = only.filter((name) => !benches.some(([n]) => n === name));
if (unknown.length) throw new Error(`unknown bench ${unknown.join(', ')}; known: ${benches.map(([n]) => n).join(', ')}`);

execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
const dir = mkdtempSync(join(os.tmpdir(), 'ebl-bench-results-'));
const resultsFile = join(dir, 'results.jsonl');
const env = { ...process.env, BENCH_RESULTS: resultsFile, BENCH_QUICK: quick ? '1' : '0' };
const started = Date.now();
const failed = [];
for (const [name, benchArgs] of benches) {
  if (only.length && !only.includes(name)) continue;
  console.log(`\n## ${name}\n`);
  const t0 = Date.now();
  try {
    execFileSync(process.execPath, benchArgs, { cwd: root, stdio: 'inherit', env });
  } catch (err) {
    failed.push(name);
    console.error(`bench ${name} failed: ${err.message}`);
  }
  console.log(`(${name}: ${((Date.now() - t0) / 1000).toFixed(0)} s)`);
}

let rows = [];
try {
  rows = readFileSync(resultsFile, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line));
} catch {
  // no bench recorded anything
}
rmSync(dir, { recursive: true, force: true });

const load = os.loadavg().map((l) => l.toFixed(2)).join(' ');
console.log(`\n## Summary (${quick ? 'quick' : 'full'} run, ${((Date.now() - started) / 60_000).toFixed(1)} min; ${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}; node ${process.version}; load average at the end ${load})\n`);
console.log('| metric | emulator | competitor(s) | ratio | before (issue 24) | goal | met? |');
console.log('|---|---:|---:|---:|---:|---|---|');
const met = (m) => (m === true ? 'yes' : m === false ? '**no**' : '-');
for (const r of rows) console.log(`| ${r.metric} | ${r.emulator} | ${r.competitors} | ${r.ratio} | ${r.before ?? '-'} | ${r.goal} | ${met(r.met)} |`);
if (failed.length) {
  console.log(`\nFAILED: ${failed.join(', ')} (see above)`);
  process.exitCode = 1;
}
