#!/usr/bin/env node
// Two builds' matchers in ONE process, alternating pass by pass (docs/performance.md, "Pattern matching (issue 24)"):
//   node bench/patterns/ab.mjs <before checkout> <after checkout> [categories|all|scaling] [events] [passes]
// Both checkouts must be built (dist/). Every category is warmed on both, then each pass times each build
// over the first `events` lines (default 30,000) per category, the order flipping per pass and category.
// Printed per category: events per CPU-second, median (min-max), and after / before per pass.
// `scaling`: instead of the categories, run.mjs's one-bus workload (scalingBus.mjs) with 1 and 10,000 rules per
// build, the four buses taking turns per pass; printed per build: events/s by wall and CPU, the fall from 1 to
// 10,000 rules per pass, and after / before at 10,000 rules (every category is warmed first, as in run.mjs).
// Counts are not checked here: bench/patterns/run.mjs does that (and BENCH_BASELINE there compares two builds
// against event-ruler in the same rounds).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { envelopeText, scalingBus } from './scalingBus.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const shared = process.env.BENCH_SHARED ?? '/work/shared/bench';
const [before, after, which = 'all', events = '30000', passes = '6'] = process.argv.slice(2);
if (!before || !after) throw new Error('usage: node bench/patterns/ab.mjs <before checkout> <after checkout> [categories|all] [events] [passes]');
const builds = await Promise.all([before, after].map((checkout) => import(join(resolve(checkout), 'dist/src/engine/patterns/index.js'))));
const dataFile = join(here, '../.data/citylots2-synth.json.gz');
if (!existsSync(dataFile)) throw new Error(`${dataFile} is missing: run bench/patterns/run.mjs once to generate it`);
const all = gunzipSync(readFileSync(dataFile)).toString('utf8');
const lines = [];
for (let start = 0, i = 0; i < Number(events); i++) {
  const end = all.indexOf('\n', start);
  if (end < 0) break;
  lines.push(Buffer.from(all.slice(start, end), 'utf8').toString('utf8')); // a string of its own (see run.mjs)
  start = end + 1;
}
const rules = JSON.parse(readFileSync(join(shared, 'ruler_bench_rules.json'), 'utf8'));
const CATEGORIES = Object.keys(JSON.parse(readFileSync(join(shared, 'citylots2-synth.expected.json'), 'utf8')).expected_matches);
const rulesOf = (category) => {
  const spec = rules[category];
  if (Array.isArray(spec)) return spec.map((pattern, i) => [`r${i}`, pattern]);
  return spec.consists_of.flatMap((part) => rules[part].map((pattern, i) => [`${part}:r${i}`, pattern]));
};
const indexes = builds.map(({ compilePattern, RuleIndex }) => {
  const byCategory = new Map();
  for (const category of CATEGORIES) {
    const index = new RuleIndex();
    for (const [name, pattern] of rulesOf(category)) index.add(name, compilePattern(JSON.stringify(pattern)), name);
    for (const line of lines) index.match(line);
    byCategory.set(category, index);
  }
  return byCategory;
});
// The categories' indexes above stay warm in scaling mode too: the full run times the bus after them.
if (which === 'scaling') {
  scaling();
  process.exit(0);
}
const wanted = which === 'all' ? CATEGORIES : which.split(',');
const rates = new Map(wanted.map((category) => [category, [[], []]]));
for (let pass = 0; pass < Number(passes); pass++) {
  for (const [c, category] of wanted.entries()) {
    for (const side of (pass + c) % 2 ? [1, 0] : [0, 1]) {
      const index = indexes[side].get(category);
      const c0 = process.cpuUsage();
      for (let i = 0; i < lines.length; i++) index.match(lines[i]);
      const cpu = process.cpuUsage(c0);
      rates.get(category)[side].push(lines.length / ((cpu.user + cpu.system) / 1e6));
    }
  }
}
const median = (values) => {
  const s = [...values].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const k = (n) => `${Math.round(n / 1000)}K`;
const spread = (values, f) => `${f(median(values))} (${f(Math.min(...values))}–${f(Math.max(...values))})`;
console.log(`${lines.length} events per pass, ${passes} passes; events per CPU-second`);
console.log('| category | before | after | after / before |\n|---|---:|---:|---:|');
for (const [category, [b, a]] of rates) {
  console.log(`| ${category} | ${spread(b, k)} | ${spread(a, k)} | ${spread(a.map((x, i) => x / b[i]), (r) => `${r.toFixed(2)}×`)} |`);
}

function scaling() {
  const events = lines.map(envelopeText);
  const counts = [1, 10000];
  const buses = builds.flatMap((matcher, side) =>
    counts.map((count) => ({ side, count, index: scalingBus(matcher, count, events.slice(0, 20_000)), wall: [], cpu: [] })));
  for (let pass = 0; pass < Number(passes); pass++) {
    // Who goes first moves on per pass: build, and within a build the rule count.
    const order = pass % 2 === 0 ? buses : [...buses].reverse();
    for (const bus of [...order.slice(pass % 4), ...order.slice(0, pass % 4)]) {
      const c0 = process.cpuUsage();
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < events.length; i++) bus.index.match(events[i]);
      const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
      const cpu = process.cpuUsage(c0);
      bus.wall.push(events.length / seconds);
      bus.cpu.push(events.length / ((cpu.user + cpu.system) / 1e6));
    }
  }
  const median = (values) => {
    const s = [...values].sort((a, b) => a - b);
    return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  };
  const spread = (values, f) => `${f(median(values))} (${f(Math.min(...values))}–${f(Math.max(...values))})`;
  const k = (n) => `${Math.round(n / 1000)}K`;
  const x = (r) => `${r.toFixed(2)}×`;
  const per = (a, b, key) => a[key].map((v, i) => v / b[key][i]);
  console.log(`one bus, ${events.length} enveloped events per pass, ${passes} passes (run.mjs part 3's workload)`);
  console.log('| build | 1 rule, events/s (wall) | 10,000 rules (wall) | fall (wall) | 1 rule, events/CPU-s | 10,000 rules (CPU) | fall (CPU) |');
  console.log('|---|---:|---:|---:|---:|---:|---:|');
  for (const [side, name] of ['before', 'after'].entries()) {
    const [one, many] = buses.filter((b) => b.side === side);
    console.log(`| ${name} | ${spread(one.wall, k)} | ${spread(many.wall, k)} | ${spread(per(one, many, 'wall'), x)} | ` +
      `${spread(one.cpu, k)} | ${spread(many.cpu, k)} | ${spread(per(one, many, 'cpu'), x)} |`);
  }
  const [, beforeMany, , afterMany] = buses;
  console.log(`after / before at 10,000 rules: ${spread(per(afterMany, beforeMany, 'wall'), x)} (wall), ${spread(per(afterMany, beforeMany, 'cpu'), x)} (CPU)`);
}
