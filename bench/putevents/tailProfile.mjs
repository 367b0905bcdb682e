// What the server ran while the slowest events waited: the samples of a .cpuprofile that fall in
// the windows (send -> arrival) of coldPhase.mjs --tail's slowest 1 %, against all samples of the
// same phase. A frame over-represented in the tail windows is what the tail waited behind.
//   node bench/putevents/tailProfile.mjs <profile.cpuprofile> <tail.json> [top=25]
// Samples are put under the innermost frame of our own bundle (src/cli.js) on their stack, else
// their own frame (node's, the kernel's, idle, GC): "whose work" rather than "which leaf".
import { readFileSync } from 'node:fs';
import { readCpuProfile } from '../lib/cpuProfile.mjs';

const [file, tailFile, topArg] = process.argv.slice(2);
const top = Number(topArg ?? 25);
const { profile, byId, parent, keyOf } = readCpuProfile(file);
const tail = JSON.parse(readFileSync(tailFile, 'utf8'));

/** The key a sample is counted under (memoized per profile node). */
const owners = new Map();
function ownerOf(id) {
  let owner = owners.get(id);
  if (owner !== undefined) return owner;
  owner = keyOf(byId.get(id));
  for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
    const n = byId.get(cur);
    if (n.callFrame.url.endsWith('src/cli.js')) {
      owner = keyOf(n);
      break;
    }
  }
  owners.set(id, owner);
  return owner;
}

// Overlapping windows merged into clusters: one stall usually delays a run of events.
const windows = tail.windows.sort((a, b) => a[0] - b[0]);
const clusters = [];
for (const [from, to] of windows) {
  const last = clusters.at(-1);
  if (last && from <= last.to) {
    last.to = Math.max(last.to, to);
    last.events++;
  } else clusters.push({ from, to, events: 1, samples: new Map(), ms: 0 });
}

const [phaseFrom, phaseTo] = tail.phase;
const all = new Map();
let allMs = 0;
let tailMs = 0;
let t = profile.startTime;
let c = 0;
profile.samples.forEach((id, i) => {
  const dt = (profile.timeDeltas[i] ?? 0) / 1000;
  t += profile.timeDeltas[i] ?? 0;
  const ms = t / 1000;
  if (ms < phaseFrom || ms > phaseTo) return;
  const key = ownerOf(id);
  all.set(key, (all.get(key) ?? 0) + dt);
  allMs += dt;
  while (c < clusters.length && clusters[c].to < ms) c++;
  const cluster = clusters[c];
  if (!cluster || ms < cluster.from) return;
  cluster.samples.set(key, (cluster.samples.get(key) ?? 0) + dt);
  cluster.ms += dt;
  tailMs += dt;
});

const inTail = new Map();
for (const cl of clusters) for (const [k, v] of cl.samples) inTail.set(k, (inTail.get(k) ?? 0) + v);
const pct = (v, of) => ((100 * v) / of).toFixed(1).padStart(5);
console.log(`${windows.length} slowest events (>= p99) in ${clusters.length} clusters, ${tailMs.toFixed(0)} ms of samples in them (phase: ${allMs.toFixed(0)} ms; latency p50 ${tail.p50.toFixed(2)} ms)`);
console.log('| owner (innermost frame of ours, else the leaf) | share in the tail windows | share in the phase | ratio |');
console.log('|---|---:|---:|---:|');
for (const [k, v] of [...inTail].sort((a, b) => b[1] - a[1]).slice(0, top)) {
  const phaseShare = (all.get(k) ?? 0) / allMs;
  console.log(`| ${k} | ${pct(v, tailMs)} % | ${pct(all.get(k) ?? 0, allMs)} % | ${(v / tailMs / phaseShare).toFixed(2)} |`);
}
console.log('\nclusters (longest first): events, window ms, samples ms, top owners');
for (const cl of [...clusters].sort((a, b) => b.to - b.from - (a.to - a.from)).slice(0, 12)) {
  const owners3 = [...cl.samples].sort((a, b) => b[1] - a[1]).slice(0, 4).map(([k, v]) => `${k} ${v.toFixed(1)}`).join('; ');
  console.log(`- ${cl.events} events, ${(cl.to - cl.from).toFixed(1)} ms (from ${cl.from.toFixed(1)}), ${cl.ms.toFixed(1)} ms sampled: ${owners3}`);
}
