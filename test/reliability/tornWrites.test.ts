/**
 * Torn writes (issue 10, part 2). The store writes a temp file and renames it over state.json
 * (lowdb -> steno), so a SIGKILL at any moment leaves either the previous or the next complete
 * file, never a partial one. Proven here by killing the emulator in a loop during heavy writes
 * and parsing the file after every kill. And: an unusable file at start-up is refused, or, with
 * `--move-aside-corrupt-state`, renamed to `state.json.corrupt-<timestamp>` before starting empty.
 */
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { aws, killHard, startEmulatorProcess } from '../../bench/reliability/crashRun.mjs';
import { createEmulator } from '../../src/index.js';
import { configFromArgs } from '../../src/config.js';
import { runProcess } from '../helpers/process.js';
import { readControlPlane } from '../../src/store/store.js';

const tempDir = () => mkdtempSync(join(tmpdir(), 'ebl-torn-'));

test('kill -9 during heavy writes never leaves an unreadable state file', async () => {
  const dataDir = tempDir();
  const stateFile = join(dataDir, 'state.json');
  const rounds = 12;
  const sizes: number[] = [];
  let busesSeen = 0;
  for (let round = 0; round < rounds; round++) {
    const emu = await startEmulatorProcess(dataDir); // also proves the file left by the last kill loads
    if (round === 0) {
      await aws(emu.url, 'PutRule', { Name: 'to-queue', EventPattern: JSON.stringify({ source: ['torn'] }) });
      await aws(emu.url, 'PutTargets', { Rule: 'to-queue', Targets: [{ Id: 'q', Arn: 'arn:aws:sqs:us-east-1:000000000000:torn' }] });
    }
    // Writers: new buses with large descriptions and PutEvents whose captures grow the file.
    let stop = false;
    // The kill comes after a number of answered writes, not after a time: a different moment
    // in the write cycle each round, however slow the machine.
    const killAfter = 8 + ((round * 37) % 60);
    let answered = 0;
    let reached!: () => void;
    const enoughWritten = new Promise<void>((resolve) => (reached = resolve));
    const writer = async (w: number) => {
      for (let i = 0; i < 400 && !stop; i++) {
        try {
          if (i % 2) await aws(emu.url, 'CreateEventBus', { Name: `r${round}-w${w}-${i}`, Description: 'x'.repeat(500) });
          else await aws(emu.url, 'PutEvents', { Entries: Array.from({ length: 10 }, () => ({ Source: 'torn', DetailType: 't', Detail: JSON.stringify({ pad: 'y'.repeat(1000) }) })) });
        } catch {
          break; // the kill cut the connection (or the write was refused: counted as done)
        }
        if (++answered === killAfter) reached();
      }
      reached(); // this writer is done before the count: do not wait on it
    };
    const writers = Array.from({ length: 8 }, (_, w) => writer(w));
    await enoughWritten;
    await killHard(emu.child);
    stop = true;
    await Promise.allSettled(writers);
    const text = readFileSync(stateFile, 'utf8');
    const state = JSON.parse(text); // throws on a torn file
    expect(state.schemaVersion).toBe(4);
    expect(statSync(stateFile).mode & 0o777).toBe(0o600);
    // The buses made since state.json was last written whole are in its journal.
    busesSeen = Object.keys((await readControlPlane(stateFile)).namespaces['000000000000:us-east-1'].eventBuses).length;
    sizes.push(text.length);
  }
  // eslint-disable-next-line no-console
  console.log(`torn writes: ${rounds} kills, state file ${Math.min(...sizes)}..${Math.max(...sizes)} bytes, ${busesSeen} buses at the end, files: ${readdirSync(dataDir).join(', ')}`);
  expect(busesSeen).toBeGreaterThan(1);
}, 300_000);

test('--move-aside-corrupt-state is off by default and read from flag or env', () => {
  expect(configFromArgs([], {}).moveAsideCorruptState).toBe(false);
  expect(configFromArgs(['--move-aside-corrupt-state'], {}).moveAsideCorruptState).toBe(true);
  expect(configFromArgs([], { EVENTBRIDGE_LOCAL_MOVE_ASIDE_CORRUPT_STATE: '1' }).moveAsideCorruptState).toBe(true);
});

test('a truncated state file is moved aside and the emulator starts empty, saying so', async () => {
  const dataDir = tempDir();
  const stateFile = join(dataDir, 'state.json');
  const torn = '{"schemaVersion":1,"namespaces":{"000000000000:us-east-1":{"eventBu';
  writeFileSync(stateFile, torn);
  const lines: string[] = [];
  const emu = await createEmulator({ dataDir, port: 0, logLevel: 'warn', logSink: (l) => lines.push(l), moveAsideCorruptState: true });
  await emu.listen();
  const aside = readdirSync(dataDir).filter((f) => /^state\.json\.corrupt-\d{4}-\d\d-\d\dT[\d-]+Z$/.test(f));
  expect(aside).toHaveLength(1);
  expect(readFileSync(join(dataDir, aside[0]), 'utf8')).toBe(torn); // kept byte for byte
  expect(emu.store.namespaces()).toEqual([]);
  const warning = JSON.parse(lines.find((l) => l.includes('moved aside'))!);
  expect(warning).toMatchObject({ level: 'warn', from: stateFile, to: join(dataDir, aside[0]) });
  expect(warning.why).toMatch(/not valid JSON/);
  await emu.close();
  expect(JSON.parse(readFileSync(stateFile, "utf8")).schemaVersion).toBe(4); // a fresh file
});

test('the CLI refuses a corrupt file with a clear message, and moves it aside with the flag', async () => {
  const dataDir = tempDir();
  const stateFile = join(dataDir, 'state.json');
  writeFileSync(stateFile, '');
  const refused = await runProcess(['--port', '0', '--data-dir', dataDir]);
  expect(refused.code).toBe(1);
  expect(refused.stderr).toContain(`State file ${stateFile} is unusable: it is not valid JSON`);
  expect(refused.stderr).toContain('--move-aside-corrupt-state');
  expect(readFileSync(stateFile, 'utf8')).toBe('');

  const emu = await startEmulatorProcess(dataDir, ['--move-aside-corrupt-state', '--log-level', 'warn']);
  const { EventBuses } = await aws(emu.url, 'ListEventBuses', {});
  expect(EventBuses.map((b: { Name: string }) => b.Name)).toEqual(['default']);
  expect(readdirSync(dataDir).some((f) => f.startsWith('state.json.corrupt-'))).toBe(true);
  await aws(emu.url, 'CreateEventBus', { Name: 'after-move' });
  await killHard(emu.child);
  expect((await readControlPlane(stateFile)).namespaces['000000000000:us-east-1'].eventBuses['after-move']).toBeDefined();
});

test('a state file that is valid JSON but not emulator state is moved aside too', async () => {
  const dataDir = tempDir();
  writeFileSync(join(dataDir, 'state.json'), '[1,2,3]');
  const emu = await createEmulator({ dataDir, port: 0, logLevel: 'silent', moveAsideCorruptState: true });
  expect(readdirSync(dataDir).some((f) => f.startsWith('state.json.corrupt-'))).toBe(true);
  await emu.close();
});
