// The CLI's start-up warm-up (src/warmUp.ts) runs a private emulator after "listening": it must
// leave nothing in the user's emulator — no resources, events, deliveries, captures or files.
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startProcess, type ServerProcess } from '../helpers/process.js';
import { rawCall } from '../helpers/emulator.js';

/** The warm-up's debug line (`msg`) once it finished (a few hundred events; no time limit of our own beyond jest's). */
async function warmUpDone(server: ServerProcess, msg = 'warm-up done'): Promise<Record<string, unknown>> {
  for (;;) {
    const line = server.stderr().split('\n').find((l) => l.includes(`"msg":"${msg}"`));
    if (line) return JSON.parse(line);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const inspect = async (url: string, path: string) => (await fetch(`${url}/_eventbridge-local/${path}`)).json() as Promise<Record<string, unknown[]>>;

test('the warm-up runs before and after "listening" and leaves no trace: no resources, events, deliveries or files', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'ebl-warm-up-'));
  const server = await startProcess(['--port', '0', '--data-dir', dataDir, '--log-level', 'debug'], { EVENTBRIDGE_LOCAL_WARM_UP: '200', EVENTBRIDGE_LOCAL_WARM_UP_BEFORE_LISTENING_MS: '30' });
  try {
    expect(server.firstLine).toMatch(/^eventbridge-local listening on /);
    // Before "listening" (off by default, on here): one round of 8 events at least, within its time budget; after it, the rest of the 200.
    const before = await warmUpDone(server, 'warm-up before listening done');
    expect(before.events).toBeGreaterThanOrEqual(8);
    expect(before.delivered).toBeLessThanOrEqual(before.events as number);
    const rest = 200 - (before.events as number);
    if (rest > 0) expect(await warmUpDone(server)).toMatchObject({ msg: 'warm-up done', events: rest, delivered: rest });

    for (const [operation, list] of [['ListRules', 'Rules'], ['ListConnections', 'Connections'], ['ListApiDestinations', 'ApiDestinations'], ['ListArchives', 'Archives']] as const) {
      const res = await rawCall(server.url, operation, '{}');
      expect({ operation, status: res.status, items: res.json[list] }).toEqual({ operation, status: 200, items: [] });
    }
    const buses = await rawCall(server.url, 'ListEventBuses', '{}');
    expect(buses.json.EventBuses.map((b: { Name: string }) => b.Name)).toEqual(['default']);
    expect((await inspect(server.url, 'events')).events).toEqual([]);
    expect((await inspect(server.url, 'deliveries')).deliveries).toEqual([]);
    expect((await inspect(server.url, 'captures')).captures).toEqual([]);
    expect((await inspect(server.url, 'dead-letters')).messages).toEqual([]);
  } finally {
    expect(await server.stop('SIGTERM')).toBe(0);
  }
  for (const file of readdirSync(dataDir)) expect({ file, mentions: readFileSync(join(dataDir, file), 'latin1').includes('warm-up') }).toEqual({ file, mentions: false });
});
