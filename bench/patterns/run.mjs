#!/usr/bin/env node
// Pattern-matching benchmark (docs/performance.md, "Pattern matching (issue 24)").
//   npm run build && node bench/patterns/run.mjs [--events N] [--rounds R] [--skip-scaling] [--skip-reference]
// 1. Generates the synthetic citylots2 data set (213,068 events) into bench/.data/ if missing.
// 2. Per rule category of the event-ruler benchmark (16), our RuleIndex against AWS's event-ruler 1.8.0
//    (/work/shared/bench/event-ruler/run.sh, Java) in the same mode: parse + match from each event's JSON
//    text (RuleIndex.match(text) against Machine.rulesForJSONEvent(String)). The two run alternately,
//    round by round (R rounds, the order flipping each round); both check every rule's match count
//    against citylots2-synth.expected.json (full data set only) and the bench fails if either is wrong.
//    Printed: events/s, and ours/theirs per round as median (min-max), by wall time and by CPU time.
// 3. One bus with 1 / 10 / 100 / 1,000 / 10,000 rules of mixed operators, parse + match from text,
//    rounds alternating over the rule counts; the fall from 1 to 10,000 rules per round.
// BENCH_ROOT=<checkout> measures another built checkout's matcher (e.g. a build of an older commit).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import os from 'node:os';
import { record } from '../lib/load.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const measured = process.env.BENCH_ROOT ?? root;
const shared = process.env.BENCH_SHARED ?? '/work/shared/bench';
// An older checkout (BENCH_ROOT) may predate the src/engine layout.
const patternsDir = ['dist/src/engine/patterns', 'dist/src/patterns'].find((d) => existsSync(join(measured, d, 'index.js')));
const { compilePattern, RuleIndex } = await import(join(measured, patternsDir, 'index.js'));

const SOURCES = 100;
const DETAIL_TYPES = ['Lot Created', 'Lot Updated', 'Lot Deleted'];
const RULE_COUNTS = [1, 10, 100, 1000, 10000];

// The "today" column (issue 24, measured the same way on this kind of machine).
const BEFORE = {
  EXACT: '0.53×', WILDCARD: '0.80×', PREFIX: '0.40×', PREFIX_EQUALS_IGNORE_CASE: 'not given', SUFFIX: '0.61×',
  SUFFIX_EQUALS_IGNORE_CASE: '0.56×', EQUALS_IGNORE_CASE: '0.72×', NUMERIC: '0.70×', ANYTHING_BUT: '≈ 1.0×',
  ANYTHING_BUT_IGNORE_CASE: '≈ 1.0×', ANYTHING_BUT_PREFIX: '≈ 1.0×', ANYTHING_BUT_SUFFIX: '≈ 1.0×',
  ANYTHING_BUT_WILDCARD: '≈ 1.0×', COMPLEX_ARRAYS: '2.25×', PARTIAL_COMBO: '2.14×', COMBO: '3.84×',
};

const args = process.argv.slice(2);
const option = (name, fallback) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : fallback);
const eventLimit = option('--events', Infinity);
const rounds = option('--rounds', process.env.BENCH_QUICK === '1' ? 2 : 3);
const skipScaling = args.includes('--skip-scaling');
const fullSet = !Number.isFinite(eventLimit);

const eventsFile = ensureEvents();
const lines = loadEventLines(eventsFile);
console.log(`machine: ${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}, node ${process.version}, load average ${os.loadavg()[0].toFixed(2)}`);
console.log(`events: ${lines.length}${fullSet ? '' : ' (subset: match counts not checked)'}, rounds: ${rounds}`);

const rules = JSON.parse(readFileSync(join(shared, 'ruler_bench_rules.json'), 'utf8'));
const expected = JSON.parse(readFileSync(join(shared, 'citylots2-synth.expected.json'), 'utf8')).expected_matches;
const CATEGORIES = Object.keys(expected);
const java = args.includes('--skip-reference') ? false : javaAvailable();

const indexes = new Map(CATEGORIES.map((category) => [category, indexOf(rulesOf(category))]));
// Warm up the JIT on every operator before timing anything (event-ruler's harness does the same).
{
  const warm = indexes.get('COMBO');
  for (const line of lines.slice(0, 30_000)) warm.match(line);
}

let failures = 0;
const ours = new Map(CATEGORIES.map((c) => [c, []]));
const theirs = new Map(CATEGORIES.map((c) => [c, []]));
for (let round = 0; round < rounds; round++) {
  const order = round % 2 === 0 ? ['ours', 'theirs'] : ['theirs', 'ours'];
  for (const side of order) {
    if (side === 'ours') runOurs(round === 0);
    else if (java) runTheirs();
  }
  console.log(`round ${round + 1}/${rounds} done (load average ${os.loadavg()[0].toFixed(2)})`);
}

console.log('\nparse + match from JSON text, events/s median (min-max) over rounds; ratio = ours / event-ruler per round');
console.log('| category | rules | ours | event-ruler 1.8.0 | ratio (wall) | ratio (CPU time) | before (issue 24) | counts |');
console.log('|---|---:|---:|---:|---:|---:|---:|---|');
for (const category of CATEGORIES) {
  const o = ours.get(category);
  const t = theirs.get(category);
  const wall = ratios(o, t, 'eps');
  const cpu = ratios(o, t, 'cpu');
  const counts = !fullSet ? 'not checked (subset)' : [...o, ...t].every((r) => r.ok) ? 'exact (both)' : 'WRONG';
  console.log(`| ${category} | ${rulesOf(category).length} | ${spread(o.map((r) => r.eps), fmt)} | ${t.length ? spread(t.map((r) => r.eps), fmt) : '-'} | ` +
    `${wall ? spread(wall, times) : '-'} | ${cpu ? spread(cpu, times) : '-'} | ${BEFORE[category]} | ${counts} |`);
  record({
    metric: `Matching, parse + match, ${category}: ours / event-ruler 1.8.0 (wall; CPU)`,
    emulator: `${fmt(median(o.map((r) => r.eps)))}/s`,
    competitors: t.length ? `${fmt(median(t.map((r) => r.eps)))}/s` : 'no java',
    ratio: wall ? `${spread(wall, times)}; ${spread(cpu, times)}` : '-',
    before: BEFORE[category],
    goal: '≥ 1.0× (≥ 1.5× in most)',
    met: wall ? median(wall) >= 1 : '-',
  });
}

if (!skipScaling) scaling();

if (failures > 0) {
  console.error(`\nFAIL: ${failures} category runs did not reproduce the expected match counts`);
  process.exit(1);
}
console.log(fullSet ? '\nevery category reproduces citylots2-synth.expected.json exactly (ours and event-ruler)' : '\n(subset of events: match counts not checked)');

function runOurs(warm) {
  for (const category of CATEGORIES) {
    const index = indexes.get(category);
    if (warm) for (const line of lines) index.match(line);
    const counts = new Map();
    const c0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < lines.length; i++) {
      for (const name of index.match(lines[i])) counts.set(name, (counts.get(name) ?? 0) + 1);
    }
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    const cpu = process.cpuUsage(c0);
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    const names = rulesOf(category).map(([name]) => name);
    const want = expectedCounts(category, names);
    const ok = fullSet ? names.every((name, i) => (counts.get(name) ?? 0) === want[i]) : undefined;
    if (ok === false) {
      failures++;
      console.error(`ours ${category}: COUNTS WRONG got ${names.map((n) => counts.get(n) ?? 0)} want ${want}`);
    }
    ours.get(category).push({ eps: lines.length / seconds, cpu: lines.length / cpuSeconds, ok });
  }
}

function runTheirs() {
  const script = join(shared, 'event-ruler/run.sh');
  const env = { ...process.env, ...(fullSet ? {} : { LIMIT: String(lines.length) }) };
  delete env.BENCH_RESULTS;
  const run = spawnSync('bash', [script, eventsFile, '1', '1', 'string'], { env, encoding: 'utf8', maxBuffer: 1 << 24 });
  if (run.status !== 0) {
    failures++;
    console.error(`event-ruler run failed (${run.status}): ${run.stderr}`);
    return;
  }
  for (const line of run.stdout.split('\n')) {
    const m = /^RESULT string (\S+) \d+ (\d+) cpu=(\d+) (.*)$/.exec(line);
    if (!m || !theirs.has(m[1])) continue;
    const ok = m[4] === 'ok' ? true : m[4] === 'subset-unchecked' ? undefined : false;
    if (ok === false) {
      failures++;
      console.error(`event-ruler ${m[1]}: ${m[4]}`);
    }
    theirs.get(m[1]).push({ eps: Number(m[2]), cpu: Number(m[3]), ok });
  }
}

function scaling() {
  console.log('\none bus, mixed operators (all rules anchored on source), parse + match from JSON text:');
  const events = lines.slice(0, Math.min(lines.length, 100_000)).map(envelopeText);
  const buses = RULE_COUNTS.map((count) => {
    const index = new RuleIndex();
    for (let i = 0; i < count; i++) index.add(`r${i}`, compilePattern(JSON.stringify(mixedRule(i))), i);
    for (const e of events.slice(0, 20_000)) index.match(e); // warm
    return { count, index, eps: [], matches: 0 };
  });
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? buses : [...buses].reverse();
    for (const bus of order) {
      let matches = 0;
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < events.length; i++) matches += bus.index.match(events[i]).length;
      bus.eps.push(events.length / (Number(process.hrtime.bigint() - t0) / 1e9));
      bus.matches = matches;
    }
  }
  console.log('| rules on the bus | events/s, median (min-max) | events x rules/s | matches per pass |');
  console.log('|---:|---:|---:|---:|');
  for (const bus of buses) console.log(`| ${fmt(bus.count)} | ${spread(bus.eps, fmt)} | ${fmt(median(bus.eps) * bus.count)} | ${fmt(bus.matches)} |`);
  const first = buses[0];
  const last = buses[buses.length - 1];
  const falls = first.eps.map((eps, r) => eps / last.eps[r]);
  console.log(`throughput falls ${spread(falls, times)} from 1 to 10,000 rules (per round)`);
  record({
    metric: 'Matching, parse + match: events/s with 1 -> 10,000 rules on a bus (the fall)',
    emulator: `${fmt(median(first.eps))} -> ${fmt(median(last.eps))}/s`,
    competitors: '-',
    ratio: `falls ${spread(falls, times)}`,
    before: 'falls ~6× (55K -> 9.4K/s, match only)',
    goal: 'falls ≤ 2×',
    met: median(falls) <= 2,
  });
}

function ensureEvents() {
  const dataDir = join(root, 'bench/.data');
  const file = join(dataDir, 'citylots2-synth.json.gz');
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true });
    console.log('generating the synthetic citylots2 data set ...');
    execFileSync(process.execPath, [join(shared, 'gen_citylots2_synth.mjs'), file], { stdio: 'inherit' });
  }
  return file;
}

function loadEventLines(file) {
  const all = gunzipSync(readFileSync(file)).toString('utf8').split('\n').filter((l) => l.length > 0);
  // split() gives slices of one 190 MB string, slower to read character by character than the
  // strings a request body (or event-ruler's BufferedReader) yields: copy each line into its own.
  return (fullSet ? all : all.slice(0, eventLimit)).map((line) => Buffer.from(line, 'utf8').toString('utf8'));
}

function javaAvailable() {
  const probe = spawnSync('java', ['-version'], { encoding: 'utf8' });
  const javac = spawnSync('javac', ['-version'], { encoding: 'utf8' });
  if (probe.status === 0 && javac.status === 0) return true;
  console.log('\n*** java/javac not found: event-ruler (the reference) is skipped, only our figures are printed.');
  console.log('*** To compare: apt-get install openjdk-17-jre-headless (and openjdk-17-jdk-headless for javac), then rerun.\n');
  return false;
}

function indexOf(ruleSet) {
  const index = new RuleIndex();
  for (const [name, pattern] of ruleSet) index.add(name, compilePattern(JSON.stringify(pattern)), name);
  return index;
}

function rulesOf(category) {
  const spec = rules[category];
  if (Array.isArray(spec)) return spec.map((pattern, i) => [`r${i}`, pattern]);
  // PARTIAL_COMBO / COMBO: every rule of the listed categories in one index.
  return spec.consists_of.flatMap((part) => rules[part].map((pattern, i) => [`${part}:r${i}`, pattern]));
}

function expectedCounts(category, names) {
  const want = expected[category];
  return Array.isArray(want) ? want : names.map((name) => want[name]);
}

function ratios(o, t, key) {
  if (t.length === 0) return undefined;
  const n = Math.min(o.length, t.length);
  return Array.from({ length: n }, (_, i) => o[i][key] / t[i][key]);
}

/** The envelope PutEvents builds around a detail, as JSON text (the detail's text kept as it is). */
function envelopeText(detail, i) {
  return `{"version":"0","id":"id-${i}","detail-type":"${DETAIL_TYPES[i % DETAIL_TYPES.length]}","source":"city.lots.${i % SOURCES}",` +
    `"account":"123456789012","time":"2024-06-07T00:00:00Z","region":"us-east-1","resources":[],"detail":${detail}}`;
}

/** Rule i: a source, sometimes a detail-type, and one content filter of a rotating operator. */
function mixedRule(i) {
  const source = [`city.lots.${i % SOURCES}`];
  const filters = [
    { properties: { STREET: [{ prefix: ['A', 'B', 'C', 'D', 'M'][i % 5] }] } },
    { properties: { ST_TYPE: [{ 'anything-but': ['ST', 'AVE'] }] } },
    { geometry: { firstCoordinates: { x: [{ numeric: ['>', -122.45, '<=', -122.40 + (i % 7) / 1000] }] } } },
    { properties: { STREET: [{ 'equals-ignore-case': 'mason' }] } },
    { properties: { MAPBLKLOT: [{ wildcard: `${i % 10}*0*` }] } },
    { properties: { STREET: [{ suffix: 'ON' }], ODD_EVEN: ['E'] } },
    { properties: { FROM_ST: [{ exists: true }], TO_ST: [{ 'anything-but': { prefix: '1' } }] } },
    { $or: [{ properties: { ST_TYPE: ['CT'] } }, { geometry: { type: ['MultiPolygon'] } }] },
  ];
  const rule = { source, detail: filters[i % filters.length] };
  if (i % 3 === 0) rule['detail-type'] = [DETAIL_TYPES[i % DETAIL_TYPES.length]];
  return rule;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function spread(values, format) {
  if (values.length === 1) return format(values[0]);
  return `${format(median(values))} (${format(Math.min(...values))}–${format(Math.max(...values))})`;
}

function fmt(n) {
  return Math.round(n).toLocaleString('en-US');
}

function times(n) {
  return `${n.toFixed(2)}×`;
}
