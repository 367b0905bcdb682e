// Crash bench (issue 10, part 1): 1,000 events/s at the emulator as a child process, kill -9
// once half the events were accepted, restart on the same data dir, drain; repeated 5 times.
// Build first: npm run build. Usage: node bench/reliability/crash.mjs [events] [rate] [repeats]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, cpus } from 'node:os';
import { join } from 'node:path';
import { crashRun } from './crashRun.mjs';

const events = Number(process.argv[2] ?? 2000);
const rate = Number(process.argv[3] ?? 1000);
const repeats = Number(process.argv[4] ?? 5);
console.log(`crash bench: ${events} events at ${rate}/s, kill -9 at 50%, ${repeats} runs, node ${process.version}, ${cpus().length} cpus`);
const rows = [];
for (let i = 1; i <= repeats; i++) {
  const dataDir = mkdtempSync(join(tmpdir(), 'ebl-crash-'));
  const r = await crashRun({ dataDir, events, ratePerSecond: rate, killFraction: 0.5 });
  rmSync(dataDir, { recursive: true, force: true });
  rows.push({
    run: i,
    sent: r.sent,
    accepted: r.accepted,
    'achieved/s': Math.round(r.sent / r.driveSeconds),
    'delivered before kill': r.deliveredBeforeRestart,
    'pending at restart': r.pendingAtRestart,
    delivered: r.delivered,
    'dead-lettered': r.deadLettered,
    pending: r.pending,
    missing: r.missing,
    'restart ms': Math.round(r.restartMs),
  });
}
console.table(rows);
const lost = rows.reduce((n, r) => n + r.missing, 0);
console.log(lost === 0 ? 'none missing' : `MISSING: ${lost}`);
process.exitCode = lost === 0 ? 0 : 1;
