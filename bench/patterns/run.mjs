#!/usr/bin/env node
// Pattern-matching benchmark (docs/performance.md, "Pattern matching (issue 24)").
//   npm run build && node bench/patterns/run.mjs [--events N] [--rounds R] [--events-per-round N] [--skip-scaling] [--skip-reference]
//   node bench/patterns/run.mjs --only-scaling [--events 50000] [--rounds R]   part 3 alone, after an untimed pass
//     of every category (no event-ruler, no counts)
// 1. Generates the synthetic citylots2 data set (213,068 events) into bench/.data/ if missing.
// 2. Per rule category of the event-ruler benchmark (16), our RuleIndex against AWS's event-ruler 1.8.0
//    (Java, bench/patterns/RulerDriver.java: one JVM for the whole run, driven over stdin) in the same mode:
//    parse + match from each event's JSON text (RuleIndex.match(text) against Machine.rulesForJSONEvent(String)).
//    First each category once over all events on both sides, untimed (the warm-up), every rule's count
//    checked against citylots2-synth.expected.json; then R timed rounds over the first --events-per-round
//    events (default 30,000; 5 rounds), the sides taking turns category by category (who goes first flips), their
//    total matches compared. The bench fails on any wrong count.
//    Printed: events/s, and ours/theirs per round as median (min-max), by wall time and by CPU time.
// 3. One bus with 1 / 10 / 100 / 1,000 / 10,000 rules of mixed operators, parse + match from text,
//    rounds alternating over the rule counts; the fall from 1 to 10,000 rules per round.
// BENCH_ROOT=<checkout> measures another built checkout's matcher (e.g. a build of an older commit).
// BENCH_BASELINE=<checkout> adds that build's matcher as a third side, taking its turns in the same rounds
// (counts checked too): before -> after per category, each against event-ruler, from one run.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import os from 'node:os';
import { record } from '../lib/load.mjs';
import { RULE_COUNTS, envelopeText, scalingBus } from './scalingBus.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const measured = process.env.BENCH_ROOT ?? root;
const shared = process.env.BENCH_SHARED ?? '/work/shared/bench';
// An older checkout (BENCH_ROOT) may predate the src/engine layout.
const patternsOf = async (checkout) => {
  const dir = ['dist/src/engine/patterns', 'dist/src/patterns'].find((d) => existsSync(join(checkout, d, 'index.js')));
  if (dir === undefined) throw new Error(`no built matcher under ${checkout} (npm run build there first)`);
  return import(join(checkout, dir, 'index.js'));
};
const { compilePattern, RuleIndex } = await patternsOf(measured);
const baselineRoot = process.env.BENCH_BASELINE;
const baseline = baselineRoot ? await patternsOf(resolve(baselineRoot)) : undefined;

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
const rounds = option('--rounds', process.env.BENCH_QUICK === '1' ? 3 : 5);
const skipScaling = args.includes('--skip-scaling');
const onlyScaling = args.includes('--only-scaling');
const fullSet = !Number.isFinite(eventLimit);
const failedCategories = new Set();
// BENCH_TRACE=1: our timed windows marked on stdout (run with --trace-gc / --trace-deopt to see what lands inside).
const trace = process.env.BENCH_TRACE === '1';

const eventsFile = ensureEvents();
const lines = loadEventLines(eventsFile);
console.log(`machine: ${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}, node ${process.version}, load average ${os.loadavg()[0].toFixed(2)}`);
console.log(`events: ${lines.length}${fullSet ? '' : ' (subset: match counts not checked)'}, rounds: ${rounds}`);

const rules = JSON.parse(readFileSync(join(shared, 'ruler_bench_rules.json'), 'utf8'));
const expected = JSON.parse(readFileSync(join(shared, 'citylots2-synth.expected.json'), 'utf8')).expected_matches;
const CATEGORIES = Object.keys(expected);
const java = args.includes('--skip-reference') || onlyScaling ? false : javaAvailable();

const indexes = new Map(CATEGORIES.map((category) => [category, indexOf(rulesOf(category))]));
const baseIndexes = baseline && new Map(CATEGORIES.map((category) => [category, indexOf(rulesOf(category), baseline)]));
// Warm up the JIT on every operator before timing anything (event-ruler's harness does the same).
for (const warm of [indexes.get('COMBO'), baseIndexes?.get('COMBO')]) {
  if (warm) for (const line of lines.slice(0, 30_000)) warm.match(line);
}
if (onlyScaling) {
  // The full run times the bus after every category's rounds: the same JIT feedback first, untimed.
  for (const index of indexes.values()) for (const line of lines.slice(0, 30_000)) index.match(line);
  scaling();
  process.exit(0);
}
if (baseline) console.log(`baseline (third side): the matcher of ${resolve(baselineRoot)}`);
const reference = java ? await startReference() : undefined;
const perRound = Math.min(lines.length, option('--events-per-round', 30_000));
console.log(`timed rounds: ${perRound} events per category per side (the first ${perRound}); counts checked on ${fullSet ? 'all' : 'the subset of'} ${lines.length} events`);

let failures = 0;
const began = Date.now();
// 1. Every category once over every event, both sides, untimed: the counts check, and the warm-up.
for (const category of CATEGORIES) {
  const names = rulesOf(category).map(([name]) => name);
  const want = expectedCounts(category, names);
  const got = ourCounts(indexes.get(category));
  checkCounts('ours', category, names, want, names.map((name) => got.get(name) ?? 0));
  if (baseIndexes) {
    const base = ourCounts(baseIndexes.get(category));
    checkCounts('baseline', category, names, want, names.map((name) => base.get(name) ?? 0));
  }
  if (reference) {
    const answer = await reference.ask(`count ${category}`);
    const theirCounts = new Map(answer.split(' ').slice(2).map((pair) => pair.split('=')).map(([n, c]) => [n, Number(c)]));
    if (!answer.startsWith(`counts ${category} `) || answer.includes('unknown-rules-matched')) {
      failures++;
      console.error(`event-ruler ${category}: unexpected answer ${answer}`);
    }
    checkCounts('event-ruler', category, names, want, names.map((name) => theirCounts.get(name) ?? 0));
  }
}
console.log(`counts ${fullSet ? 'checked' : 'not checked (subset)'}, both sides warm (${((Date.now() - began) / 1000).toFixed(0)} s)`);

// 2. Timed rounds on the first perRound events, the two sides taking turns category by category
// (who goes first flips per category and per round); each side's total matches must agree.
const ours = new Map(CATEGORIES.map((c) => [c, []]));
const theirs = new Map(CATEGORIES.map((c) => [c, []]));
const base = new Map(CATEGORIES.map((c) => [c, []]));
const SIDES = baseIndexes ? ['ours', 'theirs', 'base'] : ['ours', 'theirs'];
for (let round = 0; round < rounds; round++) {
  for (const [c, category] of CATEGORIES.entries()) {
    // Who goes first moves on per category and per round.
    const turn = (round + c) % SIDES.length;
    const order = [...SIDES.slice(turn), ...SIDES.slice(0, turn)];
    for (const side of order) {
      if (side === 'ours') ours.get(category).push(timeOurs(indexes.get(category), `${round} ${category}`));
      else if (side === 'base') base.get(category).push(timeOurs(baseIndexes.get(category)));
      else if (reference) theirs.get(category).push(await timeTheirs(category));
    }
    const o = ours.get(category).at(-1);
    const t = theirs.get(category).at(-1);
    if (t && o.matched !== t.matched) {
      failures++;
      console.error(`${category}: ours matched ${o.matched} times on the timed events, event-ruler ${t.matched}`);
    }
    const b = base.get(category).at(-1);
    if (b && o.matched !== b.matched) {
      failures++;
      console.error(`${category}: ours matched ${o.matched} times on the timed events, the baseline ${b.matched}`);
    }
  }
  console.log(`round ${round + 1}/${rounds} done (load average ${os.loadavg()[0].toFixed(2)}, ${((Date.now() - began) / 1000).toFixed(0)} s)`);
}
reference?.close();

console.log('\nparse + match from JSON text, events/s median (min-max) over rounds; ratio = ours / event-ruler per round');
console.log('| category | rules | ours | event-ruler 1.8.0 | ratio (wall) | ratio (CPU time) | before (issue 24) | counts |');
console.log('|---|---:|---:|---:|---:|---:|---:|---|');
for (const category of CATEGORIES) {
  const o = ours.get(category);
  const t = theirs.get(category);
  const wall = ratios(o, t, 'eps');
  const cpu = ratios(o, t, 'cpu');
  const counts = !fullSet ? 'not checked (subset)' : failedCategories.has(category) ? 'WRONG' : reference ? 'exact (both)' : 'exact (ours)';
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

if (baseIndexes) {
  console.log('\nbefore (BENCH_BASELINE) -> after (this build), each / event-ruler per round in the same rounds, median (min-max)');
  console.log('| category | before, wall | before, CPU | after, wall | after, CPU | after / before (CPU) |');
  console.log('|---|---:|---:|---:|---:|---:|');
  for (const category of CATEGORIES) {
    const o = ours.get(category);
    const b = base.get(category);
    const t = theirs.get(category);
    const cell = (side, key) => (t.length ? spread(ratios(side, t, key), times) : '-');
    console.log(`| ${category} | ${cell(b, 'eps')} | ${cell(b, 'cpu')} | ${cell(o, 'eps')} | ${cell(o, 'cpu')} | ${spread(ratios(o, b, 'cpu'), times)} |`);
  }
}

if (!skipScaling) scaling();
console.log(`\nmatching bench: ${((Date.now() - began) / 1000).toFixed(0)} s after loading`);

if (failures > 0) {
  console.error(`\nFAIL: ${failures} checks failed (match counts, or the two sides' matches on the timed events)`);
  process.exit(1);
}
console.log(fullSet ? '\nevery category reproduces citylots2-synth.expected.json exactly (ours and event-ruler)' : '\n(subset of events: match counts not checked)');

function ourCounts(index) {
  const counts = new Map();
  for (let i = 0; i < lines.length; i++) {
    for (const name of index.match(lines[i])) counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  return counts;
}

function checkCounts(side, category, names, want, got) {
  if (!fullSet || names.every((_, i) => got[i] === want[i])) return;
  failures++;
  failedCategories.add(category);
  console.error(`${side} ${category}: COUNTS WRONG got ${got} want ${want}`);
}

function timeOurs(index, label = '') {
  if (trace) console.log(`trace begin ${label}`);
  let matched = 0;
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < perRound; i++) matched += index.match(lines[i]).length;
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(c0);
  if (trace) console.log(`trace end ${label} ${Math.round(perRound / seconds)}`);
  return { eps: perRound / seconds, cpu: perRound / ((cpu.user + cpu.system) / 1e6), matched };
}

async function timeTheirs(category) {
  const answer = await reference.ask(`time ${category} ${perRound}`);
  const m = /^time (\S+) (\d+) (\d+) (\d+)$/.exec(answer);
  if (!m || m[1] !== category) throw new Error(`event-ruler driver: unexpected answer ${answer}`);
  return { eps: Number(m[2]), cpu: Number(m[3]), matched: Number(m[4]) };
}

/** event-ruler in one JVM for the whole run (bench/patterns/RulerDriver.java, compiled into a temp dir). */
async function startReference() {
  const jars = join(shared, 'event-ruler');
  const m2 = process.env.M2_REPO ?? join(os.homedir(), '.m2/repository');
  const jackson = (name) => join(m2, `com/fasterxml/jackson/core/jackson-${name}/2.17.2/jackson-${name}-2.17.2.jar`);
  const classpath = [join(jars, 'event-ruler-1.8.0.jar'), jackson('core'), jackson('databind'), jackson('annotations'),
    join(m2, 'com/google/code/findbugs/jsr305/3.0.2/jsr305-3.0.2.jar')].join(':');
  const classes = mkdtempSync(join(os.tmpdir(), 'ruler-driver-'));
  process.on('exit', () => rmSync(classes, { recursive: true, force: true }));
  execFileSync('javac', ['-nowarn', '-cp', classpath, '-d', classes, join(here, 'RulerDriver.java')], { stdio: 'inherit' });
  // The subset (--events N) is the first N lines of the same file: the driver reads them all, we ask for N.
  const subset = fullSet ? [] : [String(lines.length)];
  const child = spawn('java', ['-Xms2g', '-Xmx2g', '-XX:+UseSerialGC', '-cp', `${classpath}:${classes}`, 'RulerDriver',
    join(shared, 'ruler_bench_rules.json'), eventsFile, ...subset], { stdio: ['pipe', 'pipe', 'inherit'] });
  process.on('exit', () => child.kill('SIGKILL'));
  const answers = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async () => {
    const { value, done } = await answers.next();
    if (done) throw new Error(`event-ruler driver exited (${child.exitCode})`);
    return value;
  };
  const ready = await next();
  if (ready !== `ready ${lines.length}`) throw new Error(`event-ruler driver: ${ready} (we have ${lines.length} events)`);
  const java = spawnSync('java', ['-version'], { encoding: 'utf8' }).stderr.split('\n')[0];
  console.log(`reference: event-ruler 1.8.0 in one JVM (${java}), driven turn by turn`);
  return {
    ask: (command) => {
      child.stdin.write(`${command}\n`);
      return next();
    },
    close: () => child.stdin.end('quit\n'),
  };
}

function scaling() {
  console.log('\none bus, mixed operators (all rules anchored on source), parse + match from JSON text:');
  const events = lines.slice(0, Math.min(lines.length, 50_000)).map(envelopeText);
  const buses = RULE_COUNTS.map((count) => {
    const index = scalingBus({ compilePattern, RuleIndex }, count, events.slice(0, 20_000));
    return { count, index, eps: [], cpu: [], matches: 0 };
  });
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? buses : [...buses].reverse();
    for (const bus of order) {
      let matches = 0;
      const c0 = process.cpuUsage();
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < events.length; i++) matches += bus.index.match(events[i]).length;
      bus.eps.push(events.length / (Number(process.hrtime.bigint() - t0) / 1e9));
      const cpu = process.cpuUsage(c0);
      bus.cpu.push(events.length / ((cpu.user + cpu.system) / 1e6));
      bus.matches = matches;
    }
  }
  console.log('| rules on the bus | events/s, median (min-max) | events per CPU-second | events x rules/s | matches per pass |');
  console.log('|---:|---:|---:|---:|---:|');
  for (const bus of buses) {
    console.log(`| ${fmt(bus.count)} | ${spread(bus.eps, fmt)} | ${spread(bus.cpu, fmt)} | ${fmt(median(bus.eps) * bus.count)} | ${fmt(bus.matches)} |`);
  }
  const first = buses[0];
  const last = buses[buses.length - 1];
  const falls = first.eps.map((eps, r) => eps / last.eps[r]);
  const cpuFalls = first.cpu.map((cpu, r) => cpu / last.cpu[r]);
  console.log(`throughput falls ${spread(falls, times)} by wall time, ${spread(cpuFalls, times)} by CPU time, from 1 to 10,000 rules (per round)`);
  record({
    metric: 'Matching, parse + match: events/s with 1 -> 10,000 rules on a bus (the fall)',
    emulator: `${fmt(median(first.eps))} -> ${fmt(median(last.eps))}/s`,
    competitors: '-',
    ratio: `falls ${spread(falls, times)} (wall); ${spread(cpuFalls, times)} (CPU)`,
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

function indexOf(ruleSet, matcher = { compilePattern, RuleIndex }) {
  const index = new matcher.RuleIndex();
  for (const [name, pattern] of ruleSet) index.add(name, matcher.compilePattern(JSON.stringify(pattern)), name);
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
