/**
 * The crash/corruption matrix (issue 18 item 8, "Done when"): every file the data folder holds
 * -- state.json, the snapshot, the journal, the lock -- truncated to half, emptied, NUL-filled
 * (same length), deleted, or garbled (4 bytes in the middle), one case each, on a copy of one
 * fixture. Per case: the built emulator either starts (and what survives is checked) or refuses
 * with the promised message (exit 1, no stack, files untouched); then with
 * --move-aside-corrupt-state it starts, having moved aside exactly the damaged file (byte for
 * byte) and kept every sound record of every other file; and the start after that needs no flag.
 *
 * The fixture: a bus and a rule sending `source: shop` to an SQS target (captured); 5 events
 * whose captures are in deliveries.snapshot (generation 1), then 5 more in deliveries-1.journal;
 * a lock file left by a process that is gone (as kill -9 leaves it).
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateEventBusCommand, EventBridgeClient, ListEventBusesCommand, PutEventsCommand, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { startEmulator, type Running } from '../helpers/emulator.js';
import { inspect } from '../helpers/inspect.js';
import { runProcess, startProcess } from '../helpers/process.js';
import { lockFileName } from '../../src/store/dataDirLock.js';

const queueArn = 'arn:aws:sqs:us-east-1:000000000000:matrix';
const tempDir = () => mkdtempSync(join(tmpdir(), 'ebl-matrix-'));
// `control`: the control-plane journal of the generation state.json names (a clean shutdown
// left it with its header only); its name is read from state.json once the fixture is made.
const files: Record<'state' | 'control' | 'snapshot' | 'journal' | 'lock', string> = { state: 'state.json', control: 'state-?.journal', snapshot: 'deliveries.snapshot', journal: 'deliveries-1.journal', lock: lockFileName };
type FileKey = keyof typeof files;
type Damage = 'truncate' | 'empty' | 'nul' | 'delete' | 'garble';

let fixture: string;
const fromSnapshot: string[] = [];
const fromJournal: string[] = [];

beforeAll(async () => {
  fixture = tempDir();
  const put = async (emu: Running, n: number, tag: string) =>
    (await emu.client.send(new PutEventsCommand({ Entries: Array.from({ length: n }, (_, i) => ({ Source: 'shop', DetailType: tag, Detail: JSON.stringify({ i, pad: 'p'.repeat(200) }) })) }))).Entries!.map((e) => e.EventId!);
  // Compacting after every batch: the first 5 events end up in the snapshot (generation 1).
  const first = await startEmulator({ dataDir: fixture, compactionSlackLines: -1_000_000 });
  await first.client.send(new CreateEventBusCommand({ Name: 'kept-bus' }));
  await first.client.send(new PutRuleCommand({ Name: 'q', EventPattern: '{"source":["shop"]}' }));
  await first.client.send(new PutTargetsCommand({ Rule: 'q', Targets: [{ Id: 'q', Arn: queueArn }] }));
  fromSnapshot.push(...(await put(first, 5, 'snap')));
  await first.close();
  // The next 5 in the journal of that generation.
  const second = await startEmulator({ dataDir: fixture });
  fromJournal.push(...(await put(second, 5, 'journal')));
  await second.close();
  files.control = `state-${JSON.parse(readFileSync(join(fixture, 'state.json'), 'utf8')).controlJournal}.journal`;
  expect(readdirSync(fixture).sort()).toEqual(['deliveries-1.journal', 'deliveries.snapshot', files.control, 'state.json']);
  // The lock of an emulator that was killed: a pid that is no longer running.
  const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
  writeFileSync(join(fixture, lockFileName), `${JSON.stringify({ pid: Number(gone), startedAt: '2026-12-01T00:00:00.000Z' })}\n`);
}, 120_000);

function damage(path: string, how: Damage): void {
  const bytes = readFileSync(path);
  if (how === 'delete') return rmSync(path);
  if (how === 'empty') return truncateSync(path, 0);
  if (how === 'truncate') return truncateSync(path, Math.floor(bytes.length / 2));
  if (how === 'nul') return writeFileSync(path, Buffer.alloc(bytes.length));
  let at = Math.floor(bytes.length / 2);
  while (bytes.subarray(at, at + 4).includes(0x0a)) at++;
  bytes.fill(0x01, at, at + 4);
  writeFileSync(path, bytes);
}

/** Complete record lines in the first half of a delivery file (its header excluded): what a truncation to half leaves. */
const recordsInFirstHalf = (file: FileKey) => {
  const bytes = readFileSync(join(fixture, files[file]));
  return bytes.subarray(0, Math.floor(bytes.length / 2)).toString('utf8').split('\n').length - 2;
};

interface Case {
  file: FileKey;
  damage: Damage;
  /** The refusal (undefined: it starts). */
  refused?: RegExp;
  /** Buses and captured events after the start (with --move-aside-corrupt-state when refused). */
  buses: string[];
  captured: () => number;
}

const all = ['default', 'kept-bus'];
const emptyControlPlane = ['default'];
const everything = () => 10;
const cases: Case[] = [
  ...(['truncate', 'empty', 'nul', 'garble'] as const).map((d): Case => ({ file: 'state', damage: d, refused: /State file \S+state\.json is unusable: it is not valid JSON/, buses: emptyControlPlane, captured: everything })),
  { file: 'state', damage: 'delete', refused: /State file \S+state\.json is unusable: it is missing, but the delivery files in \S+ hold 10 records/, buses: emptyControlPlane, captured: everything },
  ...(['truncate', 'empty', 'nul'] as const).map((d): Case => ({ file: 'control', damage: d, refused: /Control-plane journal in \S+ is unusable: state-\d+\.journal has no valid header/, buses: all, captured: everything })),
  { file: 'control', damage: 'delete', refused: /Control-plane journal in \S+ is unusable: state-\d+\.journal is missing \(state\.json names it\)/, buses: all, captured: everything },
  { file: 'control', damage: 'garble', refused: /Control-plane journal in \S+ is unusable: state-\d+\.journal line 1 fails its checksum/, buses: all, captured: everything },
  { file: 'snapshot', damage: 'truncate', refused: /deliveries\.snapshot does not end with a complete line/, buses: all, captured: () => recordsInFirstHalf('snapshot') + 5 },
  { file: 'snapshot', damage: 'empty', refused: /deliveries\.snapshot is empty/, buses: all, captured: () => 5 },
  { file: 'snapshot', damage: 'nul', refused: /deliveries\.snapshot has no snapshot header/, buses: all, captured: () => 5 },
  { file: 'snapshot', damage: 'delete', refused: /deliveries-0\.journal is missing, and deliveries-1\.journal needs deliveries\.snapshot, which is missing too/, buses: all, captured: () => 5 },
  { file: 'snapshot', damage: 'garble', refused: /deliveries\.snapshot line \d+ fails its checksum/, buses: all, captured: () => 9 },
  { file: 'journal', damage: 'truncate', refused: /deliveries-1\.journal was truncated: it has \d+ bytes, \d+ were acknowledged/, buses: all, captured: () => 5 + recordsInFirstHalf('journal') },
  { file: 'journal', damage: 'empty', refused: /deliveries-1\.journal is empty \(it has no header\)/, buses: all, captured: () => 5 },
  { file: 'journal', damage: 'nul', refused: /deliveries-1\.journal has no valid header/, buses: all, captured: () => 5 },
  { file: 'journal', damage: 'delete', refused: /deliveries-1\.journal is missing \(deliveries\.snapshot is of generation 1\)/, buses: all, captured: () => 5 },
  { file: 'journal', damage: 'garble', refused: /deliveries-1\.journal line \d+ fails its checksum/, buses: all, captured: () => 9 },
  // The lock is no state: whatever happened to it, the emulator that left it is gone.
  ...(['truncate', 'empty', 'nul', 'delete', 'garble'] as const).map((d): Case => ({ file: 'lock', damage: d, buses: all, captured: everything })),
];

const args = (dir: string, ...more: string[]) => ['--port', '0', '--data-dir', dir, '--log-level', 'warn', ...more];
const table: string[] = [];

async function survivors(url: string): Promise<{ buses: string[]; captured: string[] }> {
  const client = new EventBridgeClient({ endpoint: url, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 });
  try {
    const buses = (await client.send(new ListEventBusesCommand({}))).EventBuses!.map((b) => b.Name!).sort();
    const captured = (await inspect(url, `captures?targetArn=${encodeURIComponent(queueArn)}&limit=1000`)).captures.map((c: any) => c.eventId);
    return { buses, captured };
  } finally {
    client.destroy();
  }
}

async function startAndCheck(dir: string, c: Case, more: string[] = []): Promise<string> {
  const emu = await startProcess(args(dir, ...more));
  try {
    const { buses, captured } = await survivors(emu.url);
    expect(buses).toEqual(c.buses);
    expect(captured).toHaveLength(c.captured());
    for (const id of captured) expect([...fromSnapshot, ...fromJournal]).toContain(id);
    return emu.stderr();
  } finally {
    expect(await emu.stop()).toBe(0);
  }
}

test.each(cases)('$file $damage', async (c) => {
  const dir = tempDir();
  cpSync(fixture, dir, { recursive: true });
  const path = join(dir, files[c.file]);
  damage(path, c.damage);
  const damaged = existsSync(path) ? readFileSync(path) : undefined;
  if (!c.refused) {
    const log = await startAndCheck(dir, c);
    if (c.damage !== 'delete') expect(log).toContain('stale data-directory lock taken over');
    table.push(`| ${files[c.file]} | ${c.damage} | starts | ${c.buses.length - 1} of 1 bus, ${c.captured()} of 10 captures | (not needed) |`);
    return;
  }
  const refused = await runProcess(args(dir));
  expect(refused.code).toBe(1);
  expect(refused.stderr).toMatch(c.refused);
  expect(refused.stderr).toContain('--move-aside-corrupt-state');
  expect(refused.stderr).not.toMatch(/\n\s+at /);
  if (damaged) expect(readFileSync(path)).toEqual(damaged); // nothing touched
  const log = await startAndCheck(dir, c, ['--move-aside-corrupt-state']);
  // Only the damaged file was moved aside, byte for byte; no healthy file went with it.
  const aside = readdirSync(dir).filter((f) => f.includes('.corrupt-'));
  if (damaged) {
    expect(aside).toHaveLength(1);
    expect(aside[0].startsWith(`${files[c.file]}.corrupt-`)).toBe(true);
    expect(readFileSync(join(dir, aside[0]))).toEqual(damaged);
  } else expect(aside).toEqual([]);
  expect(log).toMatch(/"level":"warn"/);
  // Sound files again: the next start needs no flag and finds the same.
  await startAndCheck(dir, c);
  const why = refused.stderr.match(c.refused)![0].replace(/\/tmp\/\S+?\//g, '…/');
  table.push(`| ${files[c.file]} | ${c.damage} | refused: \`${why}\` | ${c.buses.length - 1} of 1 bus, ${c.captured()} of 10 captures | ${damaged ? 'that file moved aside' : 'nothing to move'} |`);
}, 60_000);

test('a torn last line (an append cut short by kill -9) is cut, logged at warn with what was cut; everything acknowledged starts', async () => {
  const dir = tempDir();
  cpSync(fixture, dir, { recursive: true });
  const path = join(dir, files.journal);
  const before = readFileSync(path);
  const torn = '{"o":"c","k":"arn:aws:sqs:us-east-1:000000000000:matrix","v":{"eventId":"torn';
  writeFileSync(path, Buffer.concat([before, Buffer.from(torn)]));
  const log = await startAndCheck(dir, { file: 'journal', damage: 'truncate', buses: all, captured: everything });
  const warning = JSON.parse(log.split('\n').find((l) => l.includes('cut the unacknowledged end'))!);
  expect(warning).toMatchObject({ level: 'warn', path, offset: before.length, bytes: torn.length });
  expect(readFileSync(path).subarray(0, before.length)).toEqual(before);
  table.push(`| deliveries-1.journal | torn last line (${torn.length} bytes appended, no newline) | starts, \`warn\` names file, offset and bytes cut | 1 of 1 bus, 10 of 10 captures | (not needed) |`);
}, 60_000);

test.each([
  ['null', 'null', /it does not hold eventbridge-local state \(it holds null\)/],
  ['a list', '[]', /it does not hold eventbridge-local state \(it holds a list\)/],
  ['a table of the wrong type', '{"schemaVersion":3,"namespaces":{"000000000000:us-east-1":{"account":"000000000000","region":"us-east-1","eventBuses":[],"rules":{},"tags":{},"archives":{},"replays":{}}}}', /\(state\.namespaces\["000000000000:us-east-1"\]\.eventBuses is not an object\)/],
  ['a rule without targets', '{"schemaVersion":3,"namespaces":{"000000000000:us-east-1":{"account":"000000000000","region":"us-east-1","eventBuses":{},"rules":{"default":{"r":{"name":"r","arn":"a"}}},"tags":{},"archives":{},"replays":{}}}}', /\.rules\["default"\]\["r"\]\.targets is not a list/],
  ['a target without an Arn', '{"schemaVersion":3,"namespaces":{"000000000000:us-east-1":{"account":"000000000000","region":"us-east-1","eventBuses":{},"rules":{"default":{"r":{"name":"r","arn":"a","targets":[{"Id":"t","Arn":"q"},{"Id":"u"}]}}},"tags":{},"archives":{},"replays":{}}}}', /\(state\.namespaces\["000000000000:us-east-1"\]\.rules\["default"\]\["r"\]\.targets\[1\]\.Arn is not a string\)/],
])('state.json holding %s (valid JSON, wrong shape) is refused with the promised message, no stack', async (_what, text, why) => {
  const dir = tempDir();
  cpSync(fixture, dir, { recursive: true });
  writeFileSync(join(dir, files.state), text);
  const refused = await runProcess(args(dir));
  expect(refused.code).toBe(1);
  expect(refused.stderr).toMatch(/State file \S+state\.json is unusable: it does not hold eventbridge-local state/);
  expect(refused.stderr).toMatch(why);
  expect(refused.stderr).toContain('Refusing to start so that no state is lost');
  expect(refused.stderr).not.toMatch(/\n\s+at /);
  await startAndCheck(dir, { file: 'state', damage: 'garble', buses: emptyControlPlane, captured: everything }, ['--move-aside-corrupt-state']);
  const aside = readdirSync(dir).filter((f) => f.includes('.corrupt-'));
  expect(aside).toHaveLength(1);
  expect(readFileSync(join(dir, aside[0]), 'utf8')).toBe(text);
  table.push(`| state.json | valid JSON: ${_what} | refused: \`${refused.stderr.match(why)![0]}\` | 0 of 1 bus, 10 of 10 captures | that file moved aside |`);
}, 60_000);

afterAll(() => {
  console.log(['| file | damage | without the flag | what survives (with --move-aside-corrupt-state when refused) | move-aside |', '|---|---|---|---|---|', ...table].join('\n'));
});
