/** The event-bus flows through the real `aws` CLI, as a user types them. */
import { awsEvents } from '../helpers/awsCli.js';
import { startEmulator, type Running } from '../helpers/emulator.js';

let emu: Running;
beforeAll(async () => {
  emu = await startEmulator();
});
afterAll(() => emu.close());

test('create, describe, list with pagination, tag, untag, delete', async () => {
  const created = await awsEvents(emu.url, ['create-event-bus', '--name', 'cli-bus', '--description', 'from the CLI', '--tags', 'Key=team,Value=core']);
  expect(created.code).toBe(0);
  expect(created.json.EventBusArn).toBe('arn:aws:events:us-east-1:000000000000:event-bus/cli-bus');

  const described = await awsEvents(emu.url, ['describe-event-bus', '--name', 'cli-bus']);
  expect(described.json).toMatchObject({ Name: 'cli-bus', Description: 'from the CLI' });

  await awsEvents(emu.url, ['create-event-bus', '--name', 'cli-bus-2']);
  const page = await awsEvents(emu.url, ['list-event-buses', '--name-prefix', 'cli-', '--limit', '1']);
  expect(page.json.EventBuses.map((b: { Name: string }) => b.Name)).toEqual(['cli-bus']);
  const next = await awsEvents(emu.url, ['list-event-buses', '--name-prefix', 'cli-', '--limit', '1', '--next-token', page.json.NextToken]);
  expect(next.json.EventBuses.map((b: { Name: string }) => b.Name)).toEqual(['cli-bus-2']);
  expect(next.json.NextToken).toBeUndefined();

  const arn = created.json.EventBusArn;
  expect((await awsEvents(emu.url, ['tag-resource', '--resource-arn', arn, '--tags', 'Key=env,Value=test'])).code).toBe(0);
  expect((await awsEvents(emu.url, ['untag-resource', '--resource-arn', arn, '--tag-keys', 'team'])).code).toBe(0);
  const tags = await awsEvents(emu.url, ['list-tags-for-resource', '--resource-arn', arn]);
  expect(tags.json.Tags).toEqual([{ Key: 'env', Value: 'test' }]);

  expect((await awsEvents(emu.url, ['delete-event-bus', '--name', 'cli-bus'])).code).toBe(0);
  const missing = await awsEvents(emu.url, ['describe-event-bus', '--name', 'cli-bus']);
  expect(missing.code).not.toBe(0);
  expect(missing.stderr).toContain('(ResourceNotFoundException)');
  expect(missing.stderr).toContain('Event bus cli-bus does not exist.');
}, 300_000);

test('errors reach the CLI with AWS codes and messages', async () => {
  const dup = await awsEvents(emu.url, ['create-event-bus', '--name', 'default']);
  expect(dup.stderr).toContain('An error occurred (ResourceAlreadyExistsException) when calling the CreateEventBus operation: Event bus default already exists.');
  const bad = await awsEvents(emu.url, ['create-event-bus', '--name', 'no spaces']);
  expect(bad.stderr).toContain('(ValidationException) when calling the CreateEventBus operation: 1 validation error detected');
  const del = await awsEvents(emu.url, ['delete-event-bus', '--name', 'default']);
  expect(del.stderr).toContain('Cannot delete event bus default.');
}, 300_000);

test('the access key and region of the CLI select the account and region', async () => {
  const created = await awsEvents(emu.url, ['create-event-bus', '--name', 'acct-bus'], '210987654321', 'eu-west-3');
  expect(created.json.EventBusArn).toBe('arn:aws:events:eu-west-3:210987654321:event-bus/acct-bus');
  const elsewhere = await awsEvents(emu.url, ['describe-event-bus', '--name', 'acct-bus']);
  expect(elsewhere.stderr).toContain('ResourceNotFoundException');
}, 300_000);
