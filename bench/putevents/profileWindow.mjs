// Self and inclusive time per function of a .cpuprofile within a window of CLOCK_MONOTONIC ms
// (V8 stamps samples with the same clock, in µs): node bench/putevents/profileWindow.mjs <file> <from-ms> <to-ms> [top=40]
import { readCpuProfile } from '../lib/cpuProfile.mjs';

const [file, from, to, topArg] = process.argv.slice(2);
const top = Number(topArg ?? 40);
const { profile, byId, parent, keyOf } = readCpuProfile(file);
const self = new Map();
const inclusive = new Map();
let t = profile.startTime;
let total = 0;
profile.samples.forEach((id, i) => {
  const dt = profile.timeDeltas[i] ?? 0;
  t += dt;
  if (t / 1000 < Number(from) || t / 1000 > Number(to)) return;
  total += dt;
  const seen = new Set();
  for (let cur = id, first = true; cur !== undefined; cur = parent.get(cur), first = false) {
    const k = keyOf(byId.get(cur));
    if (first) self.set(k, (self.get(k) ?? 0) + dt);
    if (seen.has(k)) continue;
    seen.add(k);
    inclusive.set(k, (inclusive.get(k) ?? 0) + dt);
  }
});
const pct = (v) => ((v / total) * 100).toFixed(1).padStart(5);
console.log(`window ${from}-${to}: ${(total / 1000).toFixed(0)} ms sampled`);
console.log('self:');
for (const [k, v] of [...self].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${pct(v)} %  ${k}`);
console.log('inclusive:');
for (const [k, v] of [...inclusive].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${pct(v)} %  ${k}`);
