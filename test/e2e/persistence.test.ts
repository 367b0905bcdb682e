import { mkdtempSync, readFileSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateEventBusCommand, DescribeEventBusCommand, ListTagsForResourceCommand, ListTargetsByRuleCommand, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { startEmulator } from '../helpers/emulator.js';
import { createEmulator } from '../../src/index.js';
import { StateFileError } from '../../src/store/lowdbFile.js';
import { readControlPlane } from '../../src/store/store.js';

const tempDir = () => mkdtempSync(join(tmpdir(), 'ebl-state-'));

test('a restart with the same data dir brings every bus and tag back', async () => {
  const dataDir = tempDir();
  const first = await startEmulator({ dataDir });
  await first.client.send(new CreateEventBusCommand({ Name: 'kept', Description: 'survives', Tags: [{ Key: 't', Value: '1' }] }));
  await first.clientFor('123456789012', 'eu-west-1').send(new CreateEventBusCommand({ Name: 'kept-too' }));
  await first.close();

  const stateFile = join(dataDir, 'state.json');
  expect(statSync(stateFile).mode & 0o777).toBe(0o600);
  expect(JSON.parse(readFileSync(stateFile, 'utf8')).schemaVersion).toBe(4);

  const second = await startEmulator({ dataDir });
  const bus = await second.client.send(new DescribeEventBusCommand({ Name: 'kept' }));
  expect(bus.Description).toBe('survives');
  const { Tags } = await second.client.send(new ListTagsForResourceCommand({ ResourceARN: bus.Arn }));
  expect(Tags).toEqual([{ Key: 't', Value: '1' }]);
  const other = await second.clientFor('123456789012', 'eu-west-1').send(new DescribeEventBusCommand({ Name: 'kept-too' }));
  expect(other.Arn).toBe('arn:aws:events:eu-west-1:123456789012:event-bus/kept-too');
  await second.close();
});

// On disk: state.json and the control-plane journal it names (src/store/controlJournal.ts).
test('an accepted change is on disk when the call returns', async () => {
  const dataDir = tempDir();
  const emu = await startEmulator({ dataDir });
  await emu.client.send(new CreateEventBusCommand({ Name: 'durable' }));
  const onDisk = await readControlPlane(join(dataDir, 'state.json'));
  expect(onDisk.namespaces['000000000000:us-east-1'].eventBuses.durable.name).toBe('durable');
  await emu.close();
});

test('concurrent changes are coalesced and all land', async () => {
  const dataDir = tempDir();
  const emu = await startEmulator({ dataDir });
  await Promise.all(Array.from({ length: 40 }, (_, i) => emu.client.send(new CreateEventBusCommand({ Name: `bus-${i}` }))));
  const onDisk = await readControlPlane(join(dataDir, 'state.json'));
  expect(Object.keys(onDisk.namespaces['000000000000:us-east-1'].eventBuses)).toHaveLength(41);
  await emu.close();
});

test('a corrupt state file is reported and never replaced', async () => {
  const dataDir = tempDir();
  mkdirSync(dataDir, { recursive: true });
  const stateFile = join(dataDir, 'state.json');
  writeFileSync(stateFile, '{"schemaVersion": 1, "namespaces": {');
  await expect(createEmulator({ dataDir, port: 0, logLevel: 'silent' })).rejects.toThrow(StateFileError);
  await expect(createEmulator({ dataDir, port: 0, logLevel: 'silent' })).rejects.toThrow(/not valid JSON/);
  expect(readFileSync(stateFile, 'utf8')).toBe('{"schemaVersion": 1, "namespaces": {');
});

test('a JSON file that is not emulator state is refused', async () => {
  const dataDir = tempDir();
  writeFileSync(join(dataDir, 'state.json'), '[1,2,3]');
  await expect(createEmulator({ dataDir, port: 0, logLevel: 'silent' })).rejects.toThrow(/does not hold eventbridge-local state/);
});

// reviveState (src/store/schema.ts): a restart rebuilds the objects PutRule and PutTargets made,
// down to their prototypes: tables and a caller's maps without one, rule records and targets
// with Object.prototype (as an object literal and the request's structures have it). The
// structures inside a target (InputTransformer ...) come back without one, as before.
test('a restart gives rules, targets and the caller\'s maps the prototypes the API gave them', async () => {
  const dataDir = tempDir();
  const first = await startEmulator({ dataDir });
  await first.client.send(new PutRuleCommand({ Name: 'r', EventPattern: '{"source":["a"]}' }));
  await first.client.send(new PutTargetsCommand({ Rule: 'r', Targets: [{ Id: 't', Arn: 'arn:aws:sqs:us-east-1:000000000000:q', InputTransformer: { InputPathsMap: { constructor: '$.source' }, InputTemplate: '<constructor>' } }] }));
  const prototypes = (emu: typeof first) => {
    const ns = emu.emulator.store.findNamespace('000000000000', 'us-east-1')!;
    const rule = ns.rules.default.r;
    const target = rule.targets[0] as unknown as { InputTransformer: { InputPathsMap: object } };
    return [ns.rules, ns.rules.default, rule, target, target.InputTransformer.InputPathsMap].map((o) => Object.getPrototypeOf(o));
  };
  const made = prototypes(first);
  expect(made).toEqual([null, null, Object.prototype, Object.prototype, null]);
  await first.close();
  const second = await startEmulator({ dataDir });
  try {
    expect(prototypes(second)).toEqual(made);
    const { Targets } = await second.client.send(new ListTargetsByRuleCommand({ Rule: 'r' }));
    expect(Targets?.[0].InputTransformer?.InputPathsMap).toEqual({ constructor: '$.source' });
  } finally {
    await second.close();
  }
});
