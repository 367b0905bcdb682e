/**
 * Overload (issue 10, part 4): a flood of PutEvents against a slow API destination. Memory and
 * control-plane latency are measured and printed (figures, not assertions: see
 * docs/reliability.md); what is asserted is that nothing accepted is lost. The longer version
 * is `node bench/reliability/overload.mjs`.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { overloadRun } from '../../bench/reliability/overloadRun.mjs';

test('a flood against a slow API destination loses nothing accepted, and the control plane answers', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'ebl-overload-'));
  const r = await overloadRun({ dataDir, seconds: 3, maxEvents: 5_000, concurrency: 16, apiDelayMs: 250 });
  // eslint-disable-next-line no-console
  console.log(`overload: ${JSON.stringify(r)}`);
  expect(r.accepted).toBeGreaterThan(0);
  expect(r.missing).toBe(0);
  expect(r.delivered + r.pending + r.deadLettered).toBe(r.accepted);
  expect(r.controlCalls).toBeGreaterThan(0); // every control-plane call during the flood was answered (aws() throws otherwise)
}, 300_000);
