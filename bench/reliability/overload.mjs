// Overload bench (issue 10, part 4): floods of PutEvents of growing length against a slow API
// destination (250 ms per request); prints the emulator's RSS, control-plane latency during the
// flood and the accounting of accepted events. Build first. Usage: node bench/reliability/overload.mjs
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, cpus } from 'node:os';
import { join } from 'node:path';
import { overloadRun } from './overloadRun.mjs';

console.log(`overload bench: node ${process.version}, ${cpus().length} cpus, API answers after 250 ms, 32 concurrent PutEvents of 10 entries`);
const rows = [];
for (const seconds of [5, 10, 20]) {
  const dataDir = mkdtempSync(join(tmpdir(), 'ebl-overload-'));
  const r = await overloadRun({ dataDir, seconds, maxEvents: 200_000, concurrency: 32, apiDelayMs: 250 });
  rmSync(dataDir, { recursive: true, force: true });
  const f = (x) => Math.round(x * 10) / 10;
  rows.push({
    'flood s': seconds, accepted: r.accepted, 'events/s': Math.round(r.putEventsPerSecond), delivered: r.delivered, pending: r.pending,
    missing: r.missing, 'RSS base MiB': f(r.rssBaselineMiB), 'RSS peak MiB': f(r.rssPeakMiB), 'state MiB': f(r.stateBytes / 2 ** 20),
    'ctl p50 ms': f(r.controlP50Ms), 'ctl p99 ms': f(r.controlP99Ms), 'ctl max ms': f(r.controlMaxMs), 'API max in flight': r.apiMaxInFlight,
  });
}
console.table(rows);
process.exitCode = rows.some((r) => r.missing > 0) ? 1 : 0;
