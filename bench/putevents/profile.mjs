// Profile the emulator under the ingest bench's load (100 rules, 2 matching with captured SQS
// targets): node bench/putevents/profile.mjs <out-dir> [seconds] [--json-store] [--no-targets]
// Writes a .cpuprofile into <out-dir> (open it in Chrome DevTools) and prints the top self-time functions.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { awsCall, awsOk, closedLoop, emulatorCommand, fmt, freePort, rawAwsCall, spawnAndWait, tempDir, nodeFlags } from '../lib/load.mjs';
import { ingestEntries, prepareIngestRules } from '../lib/ingestLoad.mjs';

const [outDir, secondsArg] = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const seconds = Number(secondsArg ?? 5);
const jsonStore = process.argv.includes('--json-store');
const withTargets = !process.argv.includes('--no-targets');
const ruleCount = process.argv.includes('--no-rules') ? 0 : 100;
const port = await freePort();
const url = `http://127.0.0.1:${port}`;
const store = jsonStore ? ['--data-dir', tempDir()] : ['--in-memory'];
const [flags, script] = [nodeFlags, emulatorCommand.at(-1)];
const server = await spawnAndWait(process.execPath, [...flags, '--cpu-prof', '--cpu-prof-dir', outDir, script, '--port', String(port), '--log-level', 'silent', ...store], url, (u) => awsCall(u, 'ListRules', {}));
await prepareIngestRules((operation, input) => awsOk(url, operation, input), { rules: ruleCount, matchingTargets: withTargets });
const entries = ingestEntries;
const r = await closedLoop(rawAwsCall(url, 'PutEvents', { Entries: entries }), { seconds, concurrency: 16 });
console.log(`${fmt(r.rps)} requests/s, p50 ${fmt(r.p50, 2)} ms, p99 ${fmt(r.p99, 2)} ms, failed ${r.failed}`);
await server.stop();

const file = readdirSync(outDir).filter((f) => f.endsWith('.cpuprofile')).map((f) => join(outDir, f)).sort().at(-1);
const profile = JSON.parse(readFileSync(file, 'utf8'));
const self = new Map();
const dt = new Map();
profile.samples.forEach((id, i) => dt.set(id, (dt.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
let total = 0;
for (const node of profile.nodes) {
  const t = dt.get(node.id) ?? 0;
  total += t;
  const f = node.callFrame;
  const key = `${f.functionName || '(anonymous)'} ${f.url.split('/').slice(-2).join('/')}:${f.lineNumber + 1}`;
  self.set(key, (self.get(key) ?? 0) + t);
}
console.log(`profile ${file}`);
for (const [key, t] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 40)) console.log(`${fmt((t / total) * 100, 1).padStart(5)} %  ${key}`);
// Inclusive time per function (a function counted once per sample even when recursive).
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const keyOf = (n) => `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.split('/').slice(-2).join('/')}:${n.callFrame.lineNumber + 1}`;
const inclusive = new Map();
for (const [id, t] of dt) {
  const seen = new Set();
  for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
    const k = keyOf(byId.get(cur));
    if (seen.has(k)) continue;
    seen.add(k);
    inclusive.set(k, (inclusive.get(k) ?? 0) + t);
  }
}
console.log('inclusive:');
for (const [key, t] of [...inclusive].sort((a, b) => b[1] - a[1]).slice(0, Number(process.env.TOP ?? 70))) console.log(`${fmt((t / total) * 100, 1).padStart(5)} %  ${key}`);
