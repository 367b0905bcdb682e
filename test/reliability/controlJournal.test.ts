/**
 * The control-plane journal (issue 24): PutRule, PutTargets, DeleteRule ... with the JSON store
 * append the records they changed to state-<G>.journal instead of rewriting state.json. A
 * change answered 200 survives kill -9; a change whose write failed answered 500 and is
 * neither in memory nor on disk; an older state.json migrates; a damaged journal is refused.
 */
import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeRuleCommand, ListRulesCommand, ListTargetsByRuleCommand, PutRuleCommand, PutTargetsCommand, DeleteRuleCommand, RemoveTargetsCommand } from '@aws-sdk/client-eventbridge';
import { withEmulator } from '../helpers/emulator.js';
import type { WriteFaults } from '../../src/store/writeFaults.js';
import { aws, killHard, startEmulatorProcess } from '../../bench/reliability/crashRun.mjs';
import { readControlPlane } from '../../src/store/store.js';
import { seal } from '../../src/store/lineSeal.js';
import { startHttpSink } from '../helpers/httpSink.js';
import { apiKeyConnection, createDestination, putShopEvent, ruleToDestination } from '../helpers/apiDestinations.js';

const tempDir = () => mkdtempSync(join(tmpdir(), 'ebl-control-'));
const controlJournals = (dir: string) => readdirSync(dir).filter((f) => /^state-\d+\.journal$/.test(f));
const controlJournalOf = (dir: string) => {
  const found = controlJournals(dir);
  expect(found).toHaveLength(1);
  return join(dir, found[0]);
};
const readState = (dir: string) => JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8'));
const ruleNames = async (client: any) => ((await client.send(new ListRulesCommand({}))).Rules ?? []).map((r: any) => r.Name).sort();

test('PutRule, PutTargets, RemoveTargets and DeleteRule append to the journal: state.json is not rewritten, and close() writes it whole', async () => {
  const dataDir = tempDir();
  await withEmulator({ dataDir }, async (emu) => {
    await emu.client.send(new PutRuleCommand({ Name: 'first', EventPattern: '{"source":["a"]}' }));
    const stateBefore = readFileSync(join(dataDir, 'state.json'));
    const journal = controlJournalOf(dataDir);
    const journalBefore = statSync(journal).size;
    await emu.client.send(new PutRuleCommand({ Name: 'second', EventPattern: '{"source":["b"]}' }));
    await emu.client.send(new PutTargetsCommand({ Rule: 'second', Targets: [{ Id: 't', Arn: 'arn:aws:sqs:us-east-1:000000000000:q' }] }));
    await emu.client.send(new PutTargetsCommand({ Rule: 'first', Targets: [{ Id: 'x', Arn: 'arn:aws:sqs:us-east-1:000000000000:x' }] }));
    await emu.client.send(new RemoveTargetsCommand({ Rule: 'first', Ids: ['x'] }));
    await emu.client.send(new DeleteRuleCommand({ Name: 'first' }));
    expect(readFileSync(join(dataDir, 'state.json')).equals(stateBefore)).toBe(true);
    expect(statSync(journal).size).toBeGreaterThan(journalBefore);
  });
  // A clean shutdown leaves state.json holding everything, and an empty journal of the generation it names.
  const state = readState(dataDir);
  expect(state.schemaVersion).toBe(4);
  expect(Object.keys(state.namespaces['000000000000:us-east-1'].rules.default)).toEqual(['second']);
  expect(state.namespaces['000000000000:us-east-1'].rules.default.second.targets.map((t: any) => t.Id)).toEqual(['t']);
  expect(controlJournals(dataDir)).toEqual([`state-${state.controlJournal}.journal`]);
  expect(readFileSync(controlJournalOf(dataDir), 'utf8').trim().split('\n')).toHaveLength(1); // the header
}, 60_000);

test('every PutRule/PutTargets/DeleteRule answered 200 survives kill -9 (killed while requests are in flight)', async () => {
  const dataDir = tempDir();
  const first = await startEmulatorProcess(dataDir);
  const acked = new Map<string, 'made' | 'deleted'>();
  let n = 0;
  let killed = false;
  // 8 loops: rule i made (PutRule + PutTargets), and every third one deleted again (RemoveTargets + DeleteRule).
  const loop = async () => {
    while (!killed && n < 2_000) {
      const index = n++;
      const name = `r-${index}`;
      try {
        await aws(first.url, 'PutRule', { Name: name, EventPattern: JSON.stringify({ source: [name] }) });
        await aws(first.url, 'PutTargets', { Rule: name, Targets: [{ Id: 't', Arn: `arn:aws:sqs:us-east-1:000000000000:${name}` }] });
        acked.set(name, 'made');
        if (index % 3 === 0) {
          acked.delete(name); // once RemoveTargets is sent, its targets may or may not be gone
          await aws(first.url, 'RemoveTargets', { Rule: name, Ids: ['t'] });
          await aws(first.url, 'DeleteRule', { Name: name });
          acked.set(name, 'deleted');
        }
      } catch {
        return; // killed
      }
    }
  };
  const loops = Array.from({ length: 8 }, loop);
  // Kill once some hundred changes were acknowledged, with requests still in flight.
  while (acked.size < 150 && n < 2_000) await new Promise((r) => setTimeout(r, 10));
  killed = true;
  await killHard(first.child);
  await Promise.all(loops);
  expect(acked.size).toBeGreaterThanOrEqual(150);

  const again = await startEmulatorProcess(dataDir);
  try {
    const names = new Set<string>();
    const targets = new Map<string, string[]>();
    let token: string | undefined;
    do {
      const page = await aws(again.url, 'ListRules', { NextToken: token, Limit: 100 });
      for (const r of page.Rules) names.add(r.Name);
      token = page.NextToken;
    } while (token);
    for (const [name, what] of acked) {
      if (what === 'deleted') {
        expect(names.has(name)).toBe(false);
        continue;
      }
      expect(names.has(name)).toBe(true);
      targets.set(name, (await aws(again.url, 'ListTargetsByRule', { Rule: name })).Targets.map((t: any) => t.Id));
      expect(targets.get(name)).toEqual(['t']);
    }
  } finally {
    await killHard(again.child);
  }
}, 120_000);

/** Fail every write of the control-plane journal while `on` (a full disk for that file). */
function controlFaults(): WriteFaults & { on: boolean; hits: number } {
  const f = {
    on: false,
    hits: 0,
    beforeWrite(file: string) {
      if (f.on && /state-\d+\.journal$/.test(file)) {
        f.hits++;
        return 0;
      }
      return undefined;
    },
  };
  return f;
}

test('a PutRule or PutTargets whose journal append failed answered 500 and is not in memory, nor on disk', async () => {
  const dataDir = tempDir();
  const f = controlFaults();
  await withEmulator({ dataDir, writeFaults: f }, async (emu) => {
    await emu.client.send(new PutRuleCommand({ Name: 'before', EventPattern: '{"source":["a"]}' }));
    await emu.client.send(new PutTargetsCommand({ Rule: 'before', Targets: [{ Id: 'kept', Arn: 'arn:aws:sqs:us-east-1:000000000000:kept' }] }));
    const journal = controlJournalOf(dataDir);
    const good = statSync(journal).size;
    f.on = true;
    await expect(emu.client.send(new PutRuleCommand({ Name: 'refused', EventPattern: '{"source":["b"]}' }))).rejects.toMatchObject({ $metadata: { httpStatusCode: 500 } });
    await expect(emu.client.send(new PutTargetsCommand({ Rule: 'before', Targets: [{ Id: 'refused', Arn: 'arn:aws:sqs:us-east-1:000000000000:refused' }] }))).rejects.toMatchObject({
      $metadata: { httpStatusCode: 500 },
    });
    expect(f.hits).toBeGreaterThan(0);
    expect(statSync(journal).size).toBe(good);
    await expect(emu.client.send(new DescribeRuleCommand({ Name: 'refused' }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    expect((await emu.client.send(new ListTargetsByRuleCommand({ Rule: 'before' }))).Targets!.map((t) => t.Id)).toEqual(['kept']);
    f.on = false;
    await emu.client.send(new PutRuleCommand({ Name: 'after', EventPattern: '{"source":["c"]}' }));
  });
  await withEmulator({ dataDir }, async (again) => {
    expect(await ruleNames(again.client)).toEqual(['after', 'before']);
    expect((await again.client.send(new ListTargetsByRuleCommand({ Rule: 'before' }))).Targets!.map((t) => t.Id)).toEqual(['kept']);
  });
}, 60_000);

test('a state.json of version 3 (no journal) migrates: its rules are kept and it names a journal from then on', async () => {
  const dataDir = tempDir();
  await withEmulator({ dataDir }, async (emu) => {
    await emu.client.send(new PutRuleCommand({ Name: 'old', EventPattern: '{"source":["a"]}' }));
  });
  const { controlJournal: _gone, ...state } = readState(dataDir);
  writeFileSync(join(dataDir, 'state.json'), JSON.stringify({ ...state, schemaVersion: 3 }));
  for (const f of controlJournals(dataDir)) rmSync(join(dataDir, f));
  await withEmulator({ dataDir }, async (emu) => {
    expect(readState(dataDir).schemaVersion).toBe(4);
    controlJournalOf(dataDir);
    expect(await ruleNames(emu.client)).toEqual(['old']);
    await emu.client.send(new PutRuleCommand({ Name: 'new', EventPattern: '{"source":["b"]}' }));
  });
  await withEmulator({ dataDir }, async (emu) => {
    expect(await ruleNames(emu.client)).toEqual(['new', 'old']);
  });
}, 60_000);

/** A data dir killed with two rules in its journal (so that state.json alone does not hold them). */
async function killedWithJournal(): Promise<string> {
  const dataDir = tempDir();
  const e = await startEmulatorProcess(dataDir);
  await aws(e.url, 'PutRule', { Name: 'one', EventPattern: '{"source":["a"]}' });
  await aws(e.url, 'PutRule', { Name: 'two', EventPattern: '{"source":["b"]}' });
  await killHard(e.child);
  return dataDir;
}

test('a torn last journal line (never acknowledged) is cut; a garbled one is refused, or moved aside with what came before it kept', async () => {
  const torn = await killedWithJournal();
  appendFileSync(controlJournalOf(torn), '{"p":["namespaces","000000000000:us-east-1","rules","default","thr');
  const tornStart = await startEmulatorProcess(torn, ['--log-level', 'warn']);
  try {
    expect((await aws(tornStart.url, 'ListRules', {})).Rules.map((r: any) => r.Name).sort()).toEqual(['one', 'two']);
    const warning = JSON.parse(tornStart.stderr().split('\n').find((l) => l.includes('control-plane journal'))!);
    expect(warning).toMatchObject({ level: 'warn', why: 'the last line is incomplete (an append cut short)' });
  } finally {
    await killHard(tornStart.child);
  }

  const garbled = await killedWithJournal();
  const path = controlJournalOf(garbled);
  const lines = readFileSync(path, 'utf8').split('\n');
  const at = lines.findIndex((l) => l.includes('"name":"two"'));
  lines[at] = lines[at].replace('"name":"two"', '"name":"tw0"'); // the second rule's line fails its seal
  writeFileSync(path, lines.join('\n'));
  await expect(startEmulatorProcess(garbled)).rejects.toThrow(/Control-plane journal in .* is unusable: state-\d+\.journal line \d+ fails its checksum/);
  const aside = await startEmulatorProcess(garbled, ['--move-aside-corrupt-state']);
  try {
    expect((await aws(aside.url, 'ListRules', {})).Rules.map((r: any) => r.Name)).toEqual(['one']);
    expect(readdirSync(garbled).some((f) => /^state-\d+\.journal\.corrupt-/.test(f))).toBe(true);
  } finally {
    await killHard(aside.child);
  }
}, 60_000);

test('API-destination deliveries do not rewrite state.json; a connection they de-authorize is journaled before the attempt settles', async () => {
  const dataDir = tempDir();
  const sink = await startHttpSink();
  try {
    await withEmulator({ dataDir }, async (emu) => {
      const conn = await apiKeyConnection(emu, 'shop-key', 'x-api-key', 'k-1');
      const dest = await createDestination(emu, 'shop-api', conn, `${sink.url}/orders`);
      await ruleToDestination(emu, dest, { RetryPolicy: { MaximumRetryAttempts: 0 } });
      const stateBefore = readFileSync(join(dataDir, 'state.json'));
      for (let i = 0; i < 3; i++) await putShopEvent(emu);
      await emu.emulator.engine.idle();
      expect(sink.requests).toHaveLength(3);
      expect(readFileSync(join(dataDir, 'state.json')).equals(stateBefore)).toBe(true);
      sink.fallback = () => ({ status: 401, body: 'no' });
      await putShopEvent(emu);
      await emu.emulator.engine.idle();
      // On disk (state.json + its journal) while the emulator still runs: no clean stop was needed.
      const durable = await readControlPlane(join(dataDir, 'state.json'));
      const ns = durable.namespaces['000000000000:us-east-1'] as any;
      expect(ns.connections['shop-key'].state).toBe('DEAUTHORIZED');
      expect(ns.apiDestinations['shop-api'].state).toBe('INACTIVE');
    });
  } finally {
    await sink.close();
  }
}, 60_000);

/**
 * The journal's acknowledged length (its header's `length`, rewritten after each append): what
 * lies past it was never acknowledged, and a failed append's lines may lie there when even the
 * cut-back failed. Start-up and a rollback's replay drop it; damage inside it is refused.
 */
const header = (generation: number, length: number) => `${seal(`{"controlJournal":2,"generation":${generation},"length":"${String(length).padStart(16, '0')}"}`)}\n`;
const generationOf = (path: string) => Number(/state-(\d+)\.journal$/.exec(path)![1]);
/** The journal's bytes with its header saying `length`. */
function withLength(text: string, generation: number, length: number): string {
  return header(generation, length) + text.slice(text.indexOf('\n') + 1);
}

describe('the acknowledged length of the control-plane journal', () => {
  test('complete, sealed lines past the acknowledged length are dropped at start-up (and reported); those inside it are kept', async () => {
    const dataDir = await killedWithJournal();
    const path = controlJournalOf(dataDir);
    const text = readFileSync(path, 'utf8');
    // As a failed append that could not be cut back leaves it: rule `two`'s line is whole and sealed, but not acknowledged.
    const endOfOne = Buffer.byteLength(text.slice(0, text.indexOf('\n', text.indexOf('"name":"one"')) + 1));
    expect(Buffer.byteLength(text)).toBeGreaterThan(endOfOne);
    writeFileSync(path, withLength(text, generationOf(path), endOfOne));
    expect(readFileSync(path).length).toBe(Buffer.byteLength(text));
    // Read without changing anything (tools, a rollback's replay): the acknowledged part only.
    expect(Object.keys((await readControlPlane(join(dataDir, 'state.json'))).namespaces['000000000000:us-east-1'].rules.default ?? {})).toEqual(['one']);
    const e = await startEmulatorProcess(dataDir, ['--log-level', 'warn']);
    try {
      expect((await aws(e.url, 'ListRules', {})).Rules.map((r: any) => r.Name)).toEqual(['one']);
      const warning = JSON.parse(e.stderr().split('\n').find((l) => l.includes('control-plane journal'))!);
      expect(warning).toMatchObject({ level: 'warn', why: expect.stringContaining('past the acknowledged length') });
      expect(statSync(path).size).toBe(endOfOne);
      await aws(e.url, 'PutRule', { Name: 'three', EventPattern: '{"source":["c"]}' });
    } finally {
      await killHard(e.child);
    }
    const again = await startEmulatorProcess(dataDir);
    try {
      expect((await aws(again.url, 'ListRules', {})).Rules.map((r: any) => r.Name).sort()).toEqual(['one', 'three']);
    } finally {
      await killHard(again.child);
    }
  }, 60_000);

  test.each([
    ['the file is shorter than its acknowledged length (truncated)', (text: string, g: number) => withLength(text, g, Buffer.byteLength(text) + 10), /was truncated: it has \d+ bytes, \d+ were acknowledged/],
    ['its last acknowledged line is incomplete', (text: string, g: number) => withLength(text.slice(0, -5), g, Buffer.byteLength(text)), /(was truncated|ends with an incomplete line inside what was acknowledged)/],
    ['the header fails its seal', (text: string) => text.replace('"length":"', '"length":"1').replace(/^(.*?)0(\d{15}")/, '$1$2'), /has no valid header|fails its checksum/],
  ])('damage inside what was acknowledged is refused: %s', async (_what, damage, message) => {
    const dataDir = await killedWithJournal();
    const path = controlJournalOf(dataDir);
    writeFileSync(path, damage(readFileSync(path, 'utf8'), generationOf(path)));
    await expect(startEmulatorProcess(dataDir)).rejects.toThrow(message);
  }, 60_000);

  test('a journal of version 1 (no length: every complete line counts) is read, and state.json is written whole into a version 2 one', async () => {
    const dataDir = await killedWithJournal();
    const path = controlJournalOf(dataDir);
    const g = generationOf(path);
    const text = readFileSync(path, 'utf8');
    writeFileSync(path, `${seal(JSON.stringify({ controlJournal: 1, generation: g }))}\n${text.slice(text.indexOf('\n') + 1)}`);
    const e = await startEmulatorProcess(dataDir);
    try {
      expect((await aws(e.url, 'ListRules', {})).Rules.map((r: any) => r.Name).sort()).toEqual(['one', 'two']);
      const state = readState(dataDir);
      expect(state.controlJournal).toBeGreaterThan(g);
      expect(Object.keys(state.namespaces['000000000000:us-east-1'].rules.default).sort()).toEqual(['one', 'two']);
      const now = controlJournalOf(dataDir);
      expect(readFileSync(now, 'utf8').split('\n')[0]).toMatch(/^\{"controlJournal":2,"generation":\d+,"length":"\d{16}"\} [0-9a-f]{8}$/);
    } finally {
      await killHard(e.child);
    }
  }, 60_000);

  test('an append whose length rewrite failed, and whose cut-back failed too: answered 500, not in memory, not in what a crash leaves; the next append cuts it first', async () => {
    const dataDir = tempDir();
    // Modes: 'length' fails the header's length rewrite (the lines went in whole); 'truncate' fails the cut-back as well.
    const f = {
      on: false,
      hits: 0,
      beforeWrite(file: string, bytes: number) {
        // The length rewrite is the header's 16 digits, `"}`, the seal and the newline: 28 bytes.
        if (f.on && /state-\d+\.journal$/.test(file) && bytes === 28) {
          f.hits++;
          return 0;
        }
        return undefined;
      },
      beforeTruncate(file: string) {
        if (f.on && /state-\d+\.journal$/.test(file)) throw Object.assign(new Error(`EIO: i/o error, ftruncate '${file}'`), { code: 'EIO' });
      },
    };
    const crashed = tempDir();
    /** What kill -9 would leave now: the data folder's files as they are. */
    const copyFiles = () => {
      for (const name of readdirSync(dataDir)) if (/^(state|deliveries)/.test(name)) writeFileSync(join(crashed, name), readFileSync(join(dataDir, name)));
    };
    await withEmulator({ dataDir, writeFaults: f }, async (emu) => {
      await emu.client.send(new PutRuleCommand({ Name: 'before', EventPattern: '{"source":["a"]}' }));
      const journal = controlJournalOf(dataDir);
      const good = statSync(journal).size;
      f.on = true;
      await expect(emu.client.send(new PutRuleCommand({ Name: 'refused', EventPattern: '{"source":["b"]}' }))).rejects.toMatchObject({ $metadata: { httpStatusCode: 500 } });
      expect(f.hits).toBeGreaterThan(0);
      f.on = false;
      // The refused rule's line is there, whole, past the acknowledged length.
      expect(statSync(journal).size).toBeGreaterThan(good);
      expect(readFileSync(journal, 'utf8')).toContain('"name":"refused"');
      await expect(emu.client.send(new DescribeRuleCommand({ Name: 'refused' }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
      copyFiles();
      await emu.client.send(new PutRuleCommand({ Name: 'after', EventPattern: '{"source":["c"]}' }));
      expect(readFileSync(journal, 'utf8')).not.toContain('"name":"refused"');
    });
    const e = await startEmulatorProcess(crashed);
    try {
      expect((await aws(e.url, 'ListRules', {})).Rules.map((r: any) => r.Name)).toEqual(['before']);
    } finally {
      await killHard(e.child);
    }
    await withEmulator({ dataDir }, async (again) => {
      expect(await ruleNames(again.client)).toEqual(['after', 'before']);
    });
  }, 60_000);
});
