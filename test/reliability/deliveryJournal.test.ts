/**
 * The delivery journal (src/store/journal.ts): the delivery side of the state beside
 * state.json. Restarts replay snapshot + journal; a torn last line (a kill -9 during an
 * append: never acknowledged) is cut; damage elsewhere refuses the start; a version 1
 * state.json (deliveries inside it) is migrated; compaction keeps everything.
 */
import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateArchiveCommand, DescribeArchiveCommand, ListRulesCommand, PutEventsCommand, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { startEmulator, withEmulator, type Running } from '../helpers/emulator.js';
import { startHttpSink, type HttpSink } from '../helpers/httpSink.js';
import { basicConnection, createDestination, roleArn } from '../helpers/apiDestinations.js';
import { captures, inspect } from '../helpers/inspect.js';
import { createEmulator } from '../../src/index.js';
import { StateFileError, lowdbStateFile } from '../../src/store/lowdbFile.js';
import { Store } from '../../src/store/store.js';
import { DeliveryJournal } from '../../src/store/journal.js';
import { lastOf } from '../../src/store/deliveryRecords.js';
import type { DeliveryJob } from '../../src/store/schema.js';
import { readControlPlane } from '../../src/store/store.js';

const tempDir = () => mkdtempSync(join(tmpdir(), 'ebl-journal-'));
const queueArn = 'arn:aws:sqs:us-east-1:000000000000:kept';
const journals = (dir: string) => readdirSync(dir).filter((f) => /^deliveries-\d+\.journal$/.test(f));

let sink: HttpSink;
beforeEach(async () => {
  sink = await startHttpSink();
  sink.fallback = () => ({ status: 503 }); // retryable: deliveries stay pending
});
afterEach(() => sink.close());

/** A rule sending `source: shop` to a failing API destination (pending) and to a queue (captured), and an archive. */
async function setUp(emu: Running): Promise<string> {
  const destination = await createDestination(emu, 'down', await basicConnection(emu), `${sink.url}/in`);
  await emu.client.send(new PutRuleCommand({ Name: 'shop', EventPattern: '{"source":["shop"]}' }));
  await emu.client.send(new PutTargetsCommand({ Rule: 'shop', Targets: [{ Id: 'api', Arn: destination, RoleArn: roleArn }, { Id: 'q', Arn: queueArn }] }));
  await emu.client.send(new CreateArchiveCommand({ ArchiveName: 'all', EventSourceArn: 'arn:aws:events:us-east-1:000000000000:event-bus/default' }));
  return destination;
}

async function put(emu: Running, n: number): Promise<string[]> {
  const res = await emu.client.send(new PutEventsCommand({ Entries: Array.from({ length: n }, (_, i) => ({ Source: 'shop', DetailType: 'Order', Detail: JSON.stringify({ i }) })) }));
  expect(res.FailedEntryCount).toBe(0);
  return res.Entries!.map((e) => e.EventId!);
}

const pendingIds = async (emu: Running) => (await inspect(emu.url, 'deliveries?status=pending&limit=1000')).deliveries.map((d: any) => d.eventId).sort();

test('pending deliveries, captures and archived events come back from the journal; a torn last line is cut off', async () => {
  const dataDir = tempDir();
  const first = await startEmulator({ dataDir });
  await setUp(first);
  const ids = await put(first, 5);
  await first.emulator.engine.idle();
  expect(await pendingIds(first)).toEqual([...ids].sort());
  await first.close();

  // The control plane is in state.json, the delivery side is not.
  const state = JSON.parse(readFileSync(join(dataDir, 'state.json'), 'utf8'));
  expect(state.namespaces['000000000000:us-east-1'].rules.default.shop).toBeDefined();
  expect(state.deliveries).toBeUndefined();
  const [journal] = journals(dataDir);
  // What a kill -9 in the middle of an append leaves: part of a line, no newline.
  const intact = readFileSync(join(dataDir, journal), 'utf8');
  appendFileSync(join(dataDir, journal), '{"o":"j","e":{"version":"0","id":"torn-');

  await withEmulator({ dataDir }, async (second) => {
    expect(await pendingIds(second)).toEqual([...ids].sort());
    expect((await captures(second.url, queueArn)).map((c) => c.eventId).sort()).toEqual([...ids].sort());
    expect((await second.client.send(new DescribeArchiveCommand({ ArchiveName: 'all' }))).EventCount).toBe(5);
    // Everything acknowledged is kept as it was (the header's acknowledged length is rewritten by later appends).
    const afterHeader = (text: string) => text.slice(text.indexOf('\n') + 1);
    expect(afterHeader(readFileSync(join(dataDir, journal), 'utf8')).startsWith(afterHeader(intact))).toBe(true);
    expect(readFileSync(join(dataDir, journal), 'utf8')).not.toContain('torn-');
    ids.push(...(await put(second, 1)));
    await second.emulator.engine.idle();
  });
  await withEmulator({ dataDir }, async (third) => {
    expect(await pendingIds(third)).toEqual([...ids].sort());
    expect((await third.client.send(new DescribeArchiveCommand({ ArchiveName: 'all' }))).EventCount).toBe(6);
  });
}, 240_000);

test('PutEvents appends to the journal and leaves state.json alone; a control-plane change is on disk too (state.json + its journal)', async () => {
  const dataDir = tempDir();
  await withEmulator({ dataDir }, async (emu) => {
    await setUp(emu);
    const stateFile = join(dataDir, 'state.json');
    const before = { ino: statSync(stateFile).ino, text: readFileSync(stateFile, 'utf8') };
    const journal = join(dataDir, journals(dataDir)[0]);
    const journalBytes = statSync(journal).size;
    const ids = await put(emu, 3);
    // On disk when the call returned: the jobs are in the journal, state.json was not rewritten (same inode: no rename).
    for (const id of ids) expect(readFileSync(journal, 'utf8')).toContain(id);
    expect(statSync(journal).size).toBeGreaterThan(journalBytes);
    expect(statSync(stateFile).ino).toBe(before.ino);
    expect(readFileSync(stateFile, 'utf8')).toBe(before.text);
    await emu.client.send(new PutRuleCommand({ Name: 'another', EventPattern: '{"source":["x"]}' }));
    expect((await readControlPlane(stateFile)).namespaces['000000000000:us-east-1'].rules.default.another).toBeDefined();
  });
}, 240_000);

test('damage in the middle of the journal refuses the start; --move-aside-corrupt-state moves that file aside and keeps every sound record', async () => {
  const dataDir = tempDir();
  const first = await startEmulator({ dataDir });
  await setUp(first);
  const ids = await put(first, 3);
  await first.emulator.engine.idle();
  await first.close();
  const path = join(dataDir, journals(dataDir)[0]);
  const lines = readFileSync(path, 'utf8').split('\n');
  // A damaged byte in the last job line of the first event (job lines are whole puts: the last one counts), not the last line (the file keeps its length).
  const hit = lines.findLastIndex((l) => l.startsWith('{"o":"j"') && l.includes(ids[0]));
  expect(hit).toBeGreaterThan(0);
  expect(hit).toBeLessThan(lines.length - 2);
  const at = lines[hit].indexOf(ids[0]);
  lines[hit] = lines[hit].slice(0, at) + (lines[hit][at] === 'x' ? 'y' : 'x') + lines[hit].slice(at + 1);
  const damaged = lines.join('\n');
  writeFileSync(path, damaged);

  await expect(createEmulator({ dataDir, port: 0, logLevel: 'silent' })).rejects.toThrow(StateFileError);
  await expect(createEmulator({ dataDir, port: 0, logLevel: 'silent' })).rejects.toThrow(new RegExp(`Delivery journal .* deliveries-0\\.journal line ${hit + 1} fails its checksum`));
  expect(readFileSync(path, 'utf8')).toBe(damaged); // never replaced

  await withEmulator({ dataDir, moveAsideCorruptState: true }, async (moved) => {
    const aside = readdirSync(dataDir).filter((f) => /^deliveries-0\.journal\.corrupt-/.test(f));
    expect(aside).toHaveLength(1);
    expect(readFileSync(join(dataDir, aside[0]), 'utf8')).toBe(damaged); // kept byte for byte
    // Every sound line is kept: the damaged one was the job's latest put, and its earlier put brings it back.
    expect(await pendingIds(moved)).toEqual([...ids].sort());
    expect((await captures(moved.url, queueArn)).map((c) => c.eventId).sort()).toEqual([...ids].sort());
    // The control plane (state.json) was not touched: the rule and the archive's managed rule are there.
    expect((await moved.client.send(new ListRulesCommand({}))).Rules!.map((r) => r.Name)).toEqual(['Events-Archive-all', 'shop']);
  });
  // Compacted into sound files: the next start needs no flag.
  await withEmulator({ dataDir }, async (again) => expect(await pendingIds(again)).toEqual([...ids].sort()));
}, 240_000);

test('a version 1 state.json (deliveries inside it) is migrated to the journal', async () => {
  const dataDir = tempDir();
  const first = await startEmulator({ dataDir });
  await first.client.send(new PutRuleCommand({ Name: 'shop', EventPattern: '{"source":["shop"]}' }));
  await first.client.send(new PutTargetsCommand({ Rule: 'shop', Targets: [{ Id: 'q', Arn: queueArn }] }));
  await first.close();
  for (const f of readdirSync(dataDir)) if (f.startsWith('deliveries')) rmSync(join(dataDir, f));
  // What a migration interrupted before its snapshot was in place leaves: an empty journal. It must run again.
  writeFileSync(join(dataDir, 'deliveries-0.journal'), '');

  // The previous version's file: schema 1, the queue and the records in it.
  const state = JSON.parse(readFileSync(join(dataDir, 'state.json'), 'utf8'));
  const ruleArn = 'arn:aws:events:us-east-1:000000000000:rule/shop';
  const event = { version: '0', id: 'legacy-event-1', 'detail-type': 'Order', source: 'shop', account: '000000000000', time: '2026-01-01T00:00:00Z', region: 'us-east-1', resources: [], detail: { n: 1 } };
  const job: DeliveryJob = {
    id: 'legacy-job-1', account: '000000000000', region: 'us-east-1', ruleArn, ruleName: 'shop', eventBusName: 'default',
    target: { Id: 'q', Arn: queueArn }, event, payload: JSON.stringify(event), hops: 0, createdAt: 1_700_000_000_000, nextAttemptAt: 1_700_000_000_000, attempts: [],
  };
  const oldCapture = { targetArn: queueArn, targetId: 'q', ruleArn, eventId: 'legacy-event-0', at: 1_600_000_000_000, payload: '{}', parameters: {} };
  writeFileSync(join(dataDir, 'state.json'), JSON.stringify({ ...state, schemaVersion: 1, deliveries: { [job.id]: job }, captures: { [queueArn]: [oldCapture] }, deadLetters: {}, archivedEvents: {} }));

  await withEmulator({ dataDir }, async (second) => {
    await second.emulator.engine.idle();
    // The migrated job was delivered (captured) after the old capture.
    expect((await captures(second.url, queueArn)).map((c) => c.eventId)).toEqual(['legacy-event-0', 'legacy-event-1']);
    const migrated = JSON.parse(readFileSync(join(dataDir, 'state.json'), 'utf8'));
    expect(migrated.schemaVersion).toBe(4);
    expect(migrated.deliveries).toBeUndefined();
    expect(migrated.captures).toBeUndefined();
    expect(readdirSync(dataDir)).toContain('deliveries.snapshot');
  });
  await withEmulator({ dataDir }, async (third) => {
    expect((await captures(third.url, queueArn)).map((c) => c.eventId)).toEqual(['legacy-event-0', 'legacy-event-1']);
    expect(await pendingIds(third)).toEqual([]);
  });
}, 240_000);

test('delivery changes made in one loop turn ride on one journal append, on disk before their callers are answered', async () => {
  const dataDir = tempDir();
  const namespace = (account: string, region: string) => ({ account, region, eventBuses: {}, rules: {}, tags: {}, archives: {}, replays: {} });
  const journal = new DeliveryJournal(dataDir);
  let appends = 0;
  const append = journal.append.bind(journal);
  journal.append = (batch) => {
    appends++;
    return append(batch);
  };
  const store = await Store.open(lowdbStateFile(join(dataDir, 'state.json')), namespace, { journal });
  // Each change in its own callback of one loop turn, as PutEvents requests read in one poll are.
  const answered = await Promise.all(
    Array.from(
      { length: 20 },
      (_, i) =>
        new Promise<void>((resolve) =>
          setImmediate(() => {
            store.delivery.appendCapture(queueArn, { targetArn: queueArn, targetId: 't', ruleArn: 'arn:r', eventId: `e-${i}`, at: i, payload: '{}', parameters: {} }, 25);
            void store.persistDeliveries().then(() => resolve());
          }),
        ),
    ),
  );
  expect(answered).toHaveLength(20);
  expect(appends).toBe(1);
  const lines = readFileSync(store.journalPath!, 'utf8').split('\n').filter((line) => line.includes('"o":"c"'));
  expect(lines).toHaveLength(20);
  await store.close();
});

test('compaction writes a snapshot, drops old journals, and keeps everything', async () => {
  const dataDir = tempDir();
  const namespace = (account: string, region: string) => ({ account, region, eventBuses: {}, rules: {}, tags: {}, archives: {}, replays: {} });
  const store = await Store.open(lowdbStateFile(join(dataDir, 'state.json')), namespace, { compactionSlackLines: 0 });
  const event = (i: number) => ({ version: '0', id: `e-${i}`, source: 'shop', detail: { i } });
  const job = (i: number): DeliveryJob => ({
    id: `j-${i}`, account: '000000000000', region: 'us-east-1', ruleArn: 'arn:r', ruleName: 'r', eventBusName: 'default',
    target: { Id: 't', Arn: queueArn }, event: event(i), payload: i % 2 ? JSON.stringify(event(i)) : `custom ${i}`, hops: 0, createdAt: i, nextAttemptAt: i, attempts: [],
  });
  for (let round = 0; round < 120; round++) {
    for (let i = round * 10; i < round * 10 + 10; i++) store.delivery.putJob(job(i));
    // Most jobs finish; some fail once and stay; records accumulate (bounded lists too).
    for (let i = round * 10; i < round * 10 + 8; i++) store.delivery.removeJob(`j-${i}`);
    const kept = store.delivery.deliveries[`j-${round * 10 + 8}`];
    kept.attempts.push({ at: round, latencyMs: 1, ok: false, statusCode: 503 });
    store.delivery.putJob(kept);
    store.delivery.appendCapture(queueArn, { targetArn: queueArn, targetId: 't', ruleArn: 'arn:r', eventId: `e-${round}`, at: round, payload: '{}', parameters: {} }, 25);
    store.delivery.appendDeadLetter('arn:dlq', { queueArn: 'arn:dlq', at: round, body: `b${round}`, attributes: {} }, 1000);
    store.delivery.appendArchived('arn:archive', { at: round, event: event(round), sizeBytes: 10 });
    if (round === 30) store.delivery.pruneArchived('arn:archive', 5);
    await store.persist();
    // Rounds go on while a compaction runs; every 20th waits for it, so that several run however slow the disk.
    if (round % 20 === 19) await store.flush();
  }
  await store.close();
  const expected = JSON.parse(JSON.stringify({ ...store.delivery }));
  const files = readdirSync(dataDir);
  expect(files).toContain('deliveries.snapshot');
  expect(journals(dataDir)).toHaveLength(1); // older generations were deleted
  expect(Number(/\d+/.exec(journals(dataDir)[0])![0])).toBeGreaterThan(1); // more than one compaction ran

  const reopened = await Store.open(lowdbStateFile(join(dataDir, 'state.json')), namespace);
  const { captures: reopenedCaptures, ...reopenedRest } = JSON.parse(JSON.stringify({ ...reopened.delivery }));
  const { captures: expectedCaptures, ...expectedRest } = expected;
  expect(reopenedRest).toEqual(expectedRest);
  expect(reopened.delivery.pendingCount).toBe(240);
  // Live, the target's list holds exactly its last 25 (the bound of these appends); replayed, the
  // journal's lists are cut back once a quarter over, and a reopened store keeps up to its own
  // bound (1,000 per target) of what they hold: the same last 25, and at most 6 before them.
  expect(expectedCaptures[queueArn]).toHaveLength(25);
  expect(expectedCaptures[queueArn].map((c: { eventId: string }) => c.eventId)).toEqual(Array.from({ length: 25 }, (_, i) => `e-${95 + i}`));
  expect(lastOf(reopenedCaptures[queueArn], 25)).toEqual(expectedCaptures[queueArn]);
  expect(reopenedCaptures[queueArn].length).toBeLessThanOrEqual(25 + 7);
  expect(expected.archivedEvents['arn:archive']).toHaveLength(115);
  await reopened.close();

  // A snapshot is renamed into place whole: one without its end line is damage, not a torn tail.
  const snapshot = join(dataDir, 'deliveries.snapshot');
  const text = readFileSync(snapshot, 'utf8');
  writeFileSync(snapshot, text.slice(0, text.lastIndexOf('{"end"')));
  await expect(Store.open(lowdbStateFile(join(dataDir, 'state.json')), namespace)).rejects.toThrow(/deliveries.snapshot is incomplete/);
});

test('files of the previous format (state.json schema 2, journal lines without header or seal) are read and rewritten in this one', async () => {
  const dataDir = tempDir();
  const first = await startEmulator({ dataDir });
  await setUp(first);
  const ids = await put(first, 4);
  await first.emulator.engine.idle();
  await first.close();
  // Turn the files into what the previous version wrote: no header line, no seals, schema 2.
  const [journal] = journals(dataDir);
  const lines = readFileSync(join(dataDir, journal), 'utf8').split('\n').filter(Boolean).slice(1);
  writeFileSync(join(dataDir, journal), lines.map((l) => `${l.slice(0, -9)}\n`).join(''));
  const state = JSON.parse(readFileSync(join(dataDir, 'state.json'), 'utf8'));
  writeFileSync(join(dataDir, 'state.json'), JSON.stringify({ ...state, schemaVersion: 2 }));

  await withEmulator({ dataDir }, async (second) => {
    expect(await pendingIds(second)).toEqual([...ids].sort());
    expect((await captures(second.url, queueArn)).map((c) => c.eventId).sort()).toEqual([...ids].sort());
  });
  expect(JSON.parse(readFileSync(join(dataDir, 'state.json'), 'utf8')).schemaVersion).toBe(4);
  expect(readdirSync(dataDir)).toContain('deliveries.snapshot');
  expect(readFileSync(join(dataDir, 'deliveries.snapshot'), 'utf8').startsWith('{"snapshot":2,')).toBe(true);
  for (const name of journals(dataDir)) expect(readFileSync(join(dataDir, name), 'utf8').startsWith('{"journal":2,')).toBe(true);
  await withEmulator({ dataDir }, async (third) => expect(await pendingIds(third)).toEqual([...ids].sort()));
}, 60_000);
