/**
 * Crash test (issue 10, part 1): SIGKILL the emulator mid-run while deliveries are being
 * retried, restart it on the same data dir, drain on the virtual clock: every EventId that
 * PutEvents returned is delivered, dead-lettered or still pending — none missing.
 * The 1,000 events/s, 5-repeat version is `node bench/reliability/crash.mjs`.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliPath, crashRun } from '../../bench/reliability/crashRun.mjs';

test('no accepted event is lost across a kill -9 and restart', async () => {
  expect(existsSync(cliPath)).toBe(true); // `npm test` builds dist/ first
  const dataDir = mkdtempSync(join(tmpdir(), 'ebl-crash-'));
  const result = await crashRun({ dataDir, events: 300, ratePerSecond: 300, killFraction: 0.5 });
  // eslint-disable-next-line no-console
  console.log(`crash run: ${JSON.stringify(result)}`);
  expect(result.accepted).toBeGreaterThan(0);
  expect(result.uniqueIds).toBe(result.accepted);
  expect(result.missingIds).toEqual([]);
  expect(result.missing).toBe(0);
  expect(result.delivered + result.deadLettered + result.pending).toBe(result.accepted);
  // The API fails 5% of events on every attempt: some must have reached the DLQ.
  expect(result.deadLettered).toBeGreaterThan(0);
}, 300_000);
