// npm run bench: build, then run every benchmark under bench/ in turn, print each one's
// tables, and end with one summary table: issue 24's seven rows, today's figure beside this run's.
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

// The project's own build: tsc, then the bundle that replaces dist/src/cli.js (tsc alone leaves the
// unbundled cli.js, which starts ~3x slower: the start-up and latency benches would time that).
execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
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

// The summary: the seven rows of issue 24's table, each with the issue's "today" figure beside this
// run's, the ceiling or peer measured in the same run, the ratio with its spread over rounds, and
// the goal. A bench says which issue row a record belongs to with `row` (one of the keys below;
// see record() in bench/lib/load.mjs); a record without one is placed by its metric's wording, and
// one that fits no row is listed after the table.
const issueRows = [
  { key: 'matching', what: 'Pattern matching, parse + match, per category, vs event-ruler 1.8.0', today: 'EXACT 0.53x, PREFIX 0.40x, SUFFIX 0.61x, EQUALS_IGNORE_CASE 0.72x, NUMERIC 0.70x, WILDCARD 0.80x; ANYTHING_BUT ~1.0x; COMPLEX_ARRAYS 2.25x, COMBO 3.84x', goal: '≥ 1.0x in all 16', bench: 'matching', match: /^Matching.*(event-ruler|categor|vs )/i },
  { key: 'rules-growth', what: 'Matching cost as rules grow (1 -> 10,000 rules)', today: 'falls ~6x (55K -> 9.4K events/s)', goal: 'falls ≤ 2x', bench: 'matching', match: /^Matching/i },
  { key: 'ingest', what: 'PutEvents ingest vs a bare Node server answering {}', today: '0.32x (0.21–1.11) with 4 deliveries per request; no rules 0.77x; rules without targets 0.61x', goal: '≥ 0.6x with deliveries, ≥ 0.85x without', bench: 'ingest', match: /^Ingest/i },
  { key: 'latency', what: 'PutEvents -> API destination -> loopback sink, 1,000 events/s, p99 vs a bare Node relay', today: '1.9–2.7x the relay (34 and 87 ms vs 17.6 and 31.6 ms); first 3 s: p50 ~1 s behind', goal: '≤ 1.3x the relay; first 3 s ≤ 2x', bench: 'latency', match: /^Delivery latency/i },
  { key: 'putrule-json', what: 'PutRule with the JSON store', today: '~100 rules/s (10,000 in 98–120 s; in memory 344/s)', goal: '≥ 0.8x in memory; 10,000 in < 15 s', bench: 'control-plane', match: /PutRule|^Control plane/i },
  { key: 'rss-10k', what: 'RSS with 10,000 rules', today: '99.6 MB in memory, 78 MB restarted, 174–213 MB (peak 237) JSON store just created', goal: '< 150 MB in every state', bench: 'startup', match: /^RSS with .*rules/i },
  { key: 'startup', what: 'Start-up, node dist/src/cli.js', today: '767 ms (moto_server 1,211 ms, bare Node 200 ms)', goal: '< 400 ms empty and with 10,000 rules', bench: 'startup', match: /^Start-up/i },
];
const placed = new Map(issueRows.map((r) => [r.key, []]));
const others = [];
for (const r of rows) {
  const key = r.row ?? issueRows.find((i) => i.match.test(r.metric))?.key;
  if (key && placed.has(key)) placed.get(key).push(r);
  else others.push(r);
}
const cell = (v) => String(v ?? '-').replace(/\|/g, '\\|');
const load = os.loadavg().map((l) => l.toFixed(2)).join(' ');
console.log(`\n## Summary (${quick ? 'quick' : 'full'} run, ${((Date.now() - started) / 60_000).toFixed(1)} min; ${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}; node ${process.version}; load average at the end ${load})\n`);
console.log("Issue 24's table: the issue's figure (today), this run's, and the ceiling or peer measured in the same run; ratios are medians over alternating rounds with their min–max.\n");
console.log('| issue row | metric | today (issue 24) | this run | ceiling / peer (same run) | ratio (min–max) | goal | met? |');
console.log('|---|---|---|---:|---|---:|---|---|');
const met = (m) => (m === true ? 'yes' : m === false ? '**no**' : '-');
for (const issueRow of issueRows) {
  const recorded = placed.get(issueRow.key);
  if (!recorded.length) {
    const why = only.length && !only.includes(issueRow.bench) ? `not run (bench ${issueRow.bench} not selected)` : `**not measured** (bench ${issueRow.bench} recorded nothing for it)`;
    console.log(`| ${issueRow.what} | - | ${cell(issueRow.today)} | ${why} | - | - | ${cell(issueRow.goal)} | - |`);
    continue;
  }
  recorded.forEach((r, i) => console.log(`| ${i === 0 ? issueRow.what : '〃'} | ${cell(r.metric)} | ${cell(r.today ?? r.before ?? (i === 0 ? issueRow.today : '〃'))} | ${cell(r.emulator)} | ${cell(r.competitors)} | ${cell(r.ratio)} | ${cell(r.goal ?? issueRow.goal)} | ${met(r.met)} |`));
}
if (others.length) {
  console.log('\nOther figures of this run:\n');
  console.log('| metric | emulator | competitor(s) | ratio | goal | met? |');
  console.log('|---|---:|---:|---:|---|---|');
  for (const r of others) console.log(`| ${cell(r.metric)} | ${cell(r.emulator)} | ${cell(r.competitors)} | ${cell(r.ratio)}${r.before ? ` (before: ${cell(r.before)})` : ''} | ${cell(r.goal)} | ${met(r.met)} |`);
}
if (failed.length) {
  console.log(`\nFAILED: ${failed.join(', ')} (see above)`);
  process.exitCode = 1;
}
