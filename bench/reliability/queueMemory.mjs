// Memory and disk per pending delivery: fills the durable queue with N events (default 100,000)
// for an API destination limited to 1 invocation/s (so they stay pending), prints the emulator's
// RSS and store size, then kills it (SIGKILL) and restarts it on the same data dir: start-up
// time (snapshot + journal replay) and RSS after the restart. Build first.
// Usage: node bench/reliability/queueMemory.mjs [events]
import http from 'node:http';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { aws, killHard, request, startEmulatorProcess } from './crashRun.mjs';

const total = Number(process.argv[2] ?? 100_000);
const rssMiB = (pid) => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024;
const storeBytes = (dir) => readdirSync(dir).filter((f) => f === 'state.json' || f.startsWith('deliveries')).reduce((s, f) => s + statSync(join(dir, f)).size, 0);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const api = http.createServer((_req, res) => setTimeout(() => res.end('{}'), 100));
await new Promise((r) => api.listen(0, '127.0.0.1', r));
const dataDir = mkdtempSync(join(tmpdir(), 'ebl-queue-'));
let emu = await startEmulatorProcess(dataDir, ['--max-pending-deliveries', String(total + 1000)]);
try {
  const { ConnectionArn } = await aws(emu.url, 'CreateConnection', { Name: 'c', AuthorizationType: 'API_KEY', AuthParameters: { ApiKeyAuthParameters: { ApiKeyName: 'k', ApiKeyValue: 'v' } } });
  const { ApiDestinationArn } = await aws(emu.url, 'CreateApiDestination', { Name: 'slow', ConnectionArn, InvocationEndpoint: `http://127.0.0.1:${api.address().port}/x`, HttpMethod: 'POST', InvocationRateLimitPerSecond: 1 });
  await aws(emu.url, 'PutRule', { Name: 'r', EventPattern: JSON.stringify({ source: ['queue'] }) });
  await aws(emu.url, 'PutTargets', { Rule: 'r', Targets: [{ Id: 'api', Arn: ApiDestinationArn, RoleArn: 'arn:aws:iam::000000000000:role/r' }] });
  await sleep(500);
  const baseline = rssMiB(emu.child.pid);
  const detail = JSON.stringify({ pad: 'p'.repeat(200) });
  let sent = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: 16 }, async () => {
    while (sent < total) {
      sent += 10;
      await aws(emu.url, 'PutEvents', { Entries: Array.from({ length: 10 }, () => ({ Source: 'queue', DetailType: 'd', Detail: detail })) });
    }
  }));
  const fillSeconds = (performance.now() - started) / 1000;
  await sleep(3000); // let the deferrals settle
  const health = (await request(emu.url, 'GET', '/_eventbridge-local/deliveries?status=pending&limit=1')).json;
  const rss = rssMiB(emu.child.pid);
  const bytes = storeBytes(dataDir);
  await killHard(emu.child);
  const t = performance.now();
  emu = await startEmulatorProcess(dataDir, ['--max-pending-deliveries', String(total + 1000)]);
  const restartMs = performance.now() - t;
  await sleep(2000);
  const rssAfterRestart = rssMiB(emu.child.pid);
  const f = (x) => Math.round(x * 10) / 10;
  console.table([{
    events: sent, 'fill s': f(fillSeconds), 'events/s': Math.round(sent / fillSeconds), pendingSeen: health.deliveries.length ? 'yes' : 'no',
    'RSS base MiB': f(baseline), 'RSS full MiB': f(rss), 'KiB/pending (RSS)': f(((rss - baseline) * 1024) / sent),
    'store MiB': f(bytes / 2 ** 20), 'bytes/pending (disk)': Math.round(bytes / sent), 'restart ms': Math.round(restartMs), 'RSS after restart MiB': f(rssAfterRestart),
  }]);
} finally {
  await killHard(emu.child);
  api.closeAllConnections();
  api.close();
  rmSync(dataDir, { recursive: true, force: true });
}
