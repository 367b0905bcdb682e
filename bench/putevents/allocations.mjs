// Bytes the emulator allocates per PutEvents under the ingest bench's load, by function (sampled):
//   node bench/putevents/allocations.mjs [seconds] [--no-rules] [--no-targets]
// Allocation is what drives the scavenges; unlike requests/s it hardly depends on the machine's load.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { awsCall, awsOk, closedLoop, emulatorCommand, fmt, freePort, preparedAwsCall, root, spawnAndWait, tempDir, nodeFlags } from '../lib/load.mjs';
import { ingestEntries, prepareIngestRules } from '../lib/ingestLoad.mjs';

const seconds = Number(process.argv.slice(2).find((a) => !a.startsWith('--')) ?? 3);
const ruleCount = process.argv.includes('--no-rules') ? 0 : 100;
const withTargets = !process.argv.includes('--no-targets');
const out = join(tempDir(), 'heap.json');
const port = await freePort();
const url = `http://127.0.0.1:${port}`;
const [flags, script] = [nodeFlags, emulatorCommand.at(-1)];
const server = await spawnAndWait(process.execPath, [...flags, '--import', join(root, 'bench/lib/heapSample.mjs'), script, '--port', String(port), '--log-level', 'silent', '--in-memory'], url, (u) => awsCall(u, 'ListRules', {}), { env: { HEAP_SAMPLE_OUT: out } });
await prepareIngestRules((operation, input) => awsOk(url, operation, input), { rules: ruleCount, matchingTargets: withTargets });
const entries = ingestEntries;
const call = preparedAwsCall(url, 'PutEvents', { Entries: entries });
await closedLoop(call, { seconds: 1 }); // warm-up
// Requests answered between the two signals are the ones sampled (the loop stops before the second).
server.child.kill('SIGUSR2');
await new Promise((r) => setTimeout(r, 200));
const r = await closedLoop(call, { seconds });
server.child.kill('SIGUSR2');
for (let i = 0; i < 100 && !existsSync(out); i++) await new Promise((res) => setTimeout(res, 50));
await server.stop();
const requests = Math.round(r.rps * r.seconds);
const profile = JSON.parse(readFileSync(out, 'utf8'));
rmSync(out);
const bySite = new Map();
let total = 0;
(function walk(node) {
  const f = node.callFrame;
  const key = `${f.functionName || '(anonymous)'} ${f.url.split('/').slice(-2).join('/')}:${f.lineNumber + 1}`;
  total += node.selfSize;
  bySite.set(key, (bySite.get(key) ?? 0) + node.selfSize);
  for (const child of node.children) walk(child);
})(profile.head);
console.log(`${requests} requests sampled, ${fmt(total / requests)} bytes allocated per request (${ruleCount} rules${ruleCount && withTargets ? ', 4 deliveries per request' : ''})`);
for (const [key, bytes] of [...bySite].sort((a, b) => b[1] - a[1]).slice(0, Number(process.env.TOP ?? 25))) console.log(`${fmt(bytes / requests).padStart(7)} B  ${key}`);
