/** The partner-source flow through the real `aws` CLI: the partner's key, then the customer's. */
import { awsEvents } from '../helpers/awsCli.js';
import { startEmulator, type Running } from '../helpers/emulator.js';
import { captures } from '../helpers/inspect.js';

let emu: Running;
beforeAll(async () => {
  emu = await startEmulator();
});
afterAll(() => emu.close());

const partner = '111111111111';
const customer = '222222222222';
const source = 'aws.partner/cli.example.com/acct/events';

test('create-partner-event-source, describe-event-source, create-event-bus --event-source-name, put-partner-events', async () => {
  const created = await awsEvents(emu.url, ['create-partner-event-source', '--name', source, '--account', customer], partner);
  expect(created.code).toBe(0);
  expect(created.json.EventSourceArn).toBe(`arn:aws:events:us-east-1::event-source/${source}`);

  const pending = await awsEvents(emu.url, ['describe-event-source', '--name', source], customer);
  expect(pending.json).toMatchObject({ Name: source, State: 'PENDING', CreatedBy: 'cli.example.com' });
  // CLI v1 prints the wire's epoch seconds as they are.
  expect(pending.json.ExpirationTime - pending.json.CreationTime).toBe(14 * 86_400);

  const bus = await awsEvents(emu.url, ['create-event-bus', '--name', source, '--event-source-name', source], customer);
  expect(bus.json.EventBusArn).toBe(`arn:aws:events:us-east-1:${customer}:event-bus/${source}`);
  const listed = await awsEvents(emu.url, ['list-event-sources', '--name-prefix', 'aws.partner/cli.'], customer);
  expect(listed.json.EventSources.map((s: { State: string }) => s.State)).toEqual(['ACTIVE']);

  const queue = `arn:aws:sqs:us-east-1:${customer}:cli-partner`;
  await awsEvents(emu.url, ['put-rule', '--name', 'r', '--event-bus-name', source, '--event-pattern', JSON.stringify({ 'detail-type': ['Thing Happened'] })], customer);
  await awsEvents(emu.url, ['put-targets', '--rule', 'r', '--event-bus-name', source, '--targets', `Id=q,Arn=${queue}`], customer);
  const entries = JSON.stringify([{ Source: source, DetailType: 'Thing Happened', Detail: '{"id":7}' }]);
  const put = await awsEvents(emu.url, ['put-partner-events', '--entries', entries], partner);
  expect(put.json.FailedEntryCount).toBe(0);
  await emu.emulator.engine.idle();
  const [captured] = await captures(emu.url, queue);
  expect(JSON.parse(captured.payload)).toMatchObject({ source, account: customer, detail: { id: 7 } });

  const accounts = await awsEvents(emu.url, ['list-partner-event-source-accounts', '--event-source-name', source], partner);
  expect(accounts.json.PartnerEventSourceAccounts).toEqual([{ Account: customer, CreationTime: expect.any(Number), State: 'ACTIVE' }]);

  const deactivated = await awsEvents(emu.url, ['deactivate-event-source', '--name', source], customer);
  expect(deactivated.code).toBe(0);
  const again = await awsEvents(emu.url, ['deactivate-event-source', '--name', source], customer);
  expect(again.code).not.toBe(0);
  expect(again.stderr).toContain('(InvalidStateException)');
}, 300_000);
