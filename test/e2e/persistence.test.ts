import { mkdtempSync, readFileSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateEventBusCommand, DescribeEventBusCommand, ListTagsForResourceCommand } from '@aws-sdk/client-eventbridge';
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
