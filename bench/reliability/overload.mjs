// Overload bench (issue 10, part 4): floods of PutEvents of growing length against a slow API
// destination (250 ms per request); prints the emulator's RSS, control-plane latency during the
// flood and the accounting of accepted events. Build first. Usage: node bench/reliability/overload.mjs
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, cpus } from 'node:os';
import { join } from 'node:path';
import { overloadRun } from './overloadRun.mjs';

console.log(`overload bench: node ${process.version}, ${cpus().length} cpus, API answers after 250 ms, 32 concurrent PutEvents of 10 entries`);
const rows = [];
// The last row bounds the queue (--max-pending-deliveries 10000): PutEvents is throttled once it is full.
for (const [seconds, maxPending] of [[5], [10], [20], [20, 10_000]]) {
  const dataDir = mkdtempSync(join(tmpdir(), 'ebl-overload-'));
  const r = await overloadRun({ dataDir, seconds, maxEvents: 200_000, concurrency: 32, apiDelayMs: 250, maxPending });
  rmSync(dataDir, { recursive: true, force: true });
  const f = (x) => Math.round(x * 10) / 10;
  rows.push({
    'flood s': seconds, 'max pending': maxPending ?? 'default', throttled: r.throttledCalls, accepted: r.accepted, 'events/s': Math.round(r.putEventsPerSecond), delivered: r.delivered, pending: r.pending,
    missing: r.missing, 'RSS base MiB': f(r.rssBaselineMiB), 'RSS peak MiB': f(r.rssPeakMiB), 'KiB/pending': f(((r.rssPeakMiB - r.rssBaselineMiB) * 1024) / Math.max(1, r.pending)), 'store MiB': f(r.stateBytes / 2 ** 20),
    'ctl p50 ms': f(r.controlP50Ms), 'ctl p99 ms': f(r.controlP99Ms), 'ctl max ms': f(r.controlMaxMs), 'API max in flight': r.apiMaxInFlight,
  });
}
console.table(rows);
process.exitCode = rows.some((r) => r.missing > 0) ? 1 : 0;
