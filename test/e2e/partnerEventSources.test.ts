/** Partner event sources end to end: the SaaS partner's account and the customer's, through the SDK. */
import {
  ActivateEventSourceCommand,
  CreateEventBusCommand,
  CreatePartnerEventSourceCommand,
  DeactivateEventSourceCommand,
  DeleteEventBusCommand,
  DeletePartnerEventSourceCommand,
  DescribeEventSourceCommand,
  DescribePartnerEventSourceCommand,
  ListEventBusesCommand,
  ListEventSourcesCommand,
  ListPartnerEventSourceAccountsCommand,
  ListPartnerEventSourcesCommand,
  PutEventsCommand,
  PutPartnerEventsCommand,
  PutPermissionCommand,
  PutRuleCommand,
  PutTargetsCommand,
  type EventBridgeClient,
} from '@aws-sdk/client-eventbridge';
import { expectAwsError, startEmulator, type Running } from '../helpers/emulator.js';
import { captures, inspect, reset } from '../helpers/inspect.js';

const partnerAccount = '111111111111';
const customerAccount = '222222222222';
const source = 'aws.partner/saas.example.com/tenant-42/orders';
const queue = `arn:aws:sqs:us-east-1:${customerAccount}:partner-orders`;
const day = 24 * 60 * 60 * 1000;

let emu: Running;
let partner: EventBridgeClient;
let customer: EventBridgeClient;
beforeAll(async () => {
  emu = await startEmulator();
  partner = emu.clientFor(partnerAccount);
  customer = emu.clientFor(customerAccount);
});
afterAll(() => emu.close());
beforeEach(() => reset(emu.url));

const offer = (name = source, account = customerAccount) => partner.send(new CreatePartnerEventSourceCommand({ Name: name, Account: account }));
const accept = (name = source) => customer.send(new CreateEventBusCommand({ Name: name, EventSourceName: name }));
const describe_ = (name = source) => customer.send(new DescribeEventSourceCommand({ Name: name }));
const putPartner = (detail: object, sourceName = source) =>
  partner.send(new PutPartnerEventsCommand({ Entries: [{ Source: sourceName, DetailType: 'Order Created', Detail: JSON.stringify(detail) }] }));

async function ruleOnPartnerBus() {
  await customer.send(new PutRuleCommand({ Name: 'orders', EventBusName: source, EventPattern: JSON.stringify({ source: [source] }) }));
  await customer.send(new PutTargetsCommand({ Rule: 'orders', EventBusName: source, Targets: [{ Id: 'q', Arn: queue }] }));
}

async function delivered(): Promise<any[]> {
  await emu.emulator.engine.idle();
  return (await captures(emu.url, queue)).map((c) => JSON.parse(c.payload));
}

const nowSeconds = () => emu.emulator.clock.now() / 1000;

describe('the whole life of a partner event source', () => {
  test('offered (PENDING) -> partner bus created (ACTIVE) -> PutPartnerEvents reaches a rule target on the partner bus', async () => {
    const created = await offer();
    expect(created.EventSourceArn).toBe(`arn:aws:events:us-east-1::event-source/${source}`);

    const pending = await describe_();
    expect(pending).toMatchObject({ Arn: created.EventSourceArn, Name: source, CreatedBy: 'saas.example.com', State: 'PENDING' });
    // Unclaimed sources expire after two weeks.
    expect(pending.ExpirationTime!.getTime() - pending.CreationTime!.getTime()).toBe(14 * day);

    const bus = await accept();
    expect(bus.EventBusArn).toBe(`arn:aws:events:us-east-1:${customerAccount}:event-bus/${source}`);
    const active = await describe_();
    expect(active.State).toBe('ACTIVE');
    expect(active.ExpirationTime).toBeUndefined();
    const buses = await customer.send(new ListEventBusesCommand({ NamePrefix: 'aws.partner/' }));
    expect(buses.EventBuses!.map((b) => b.Name)).toEqual([source]);

    await ruleOnPartnerBus();
    const put = await partner.send(
      new PutPartnerEventsCommand({
        Entries: [{ Source: source, DetailType: 'Order Created', Detail: '{"orderId":"o-1","total":12.5}', Resources: ['saas:order/o-1'], Time: new Date('2026-02-03T04:05:06Z') }],
      }),
    );
    expect(put.FailedEntryCount).toBe(0);
    const [event] = await delivered();
    expect(event).toEqual({
      version: '0',
      id: put.Entries![0].EventId,
      'detail-type': 'Order Created',
      source,
      // The event belongs to the customer's account, where the partner bus is.
      account: customerAccount,
      time: '2026-02-03T04:05:06Z',
      region: 'us-east-1',
      resources: ['saas:order/o-1'],
      detail: { orderId: 'o-1', total: 12.5 },
    });
  });

  test('events for a source with no partner bus get an EventId and are dropped: nothing matched, queued, delivered or recorded', async () => {
    await offer();
    // A bus in the customer account with a rule matching everything from the source, to prove nothing leaks anywhere.
    await customer.send(new PutRuleCommand({ Name: 'catch-all', EventPattern: JSON.stringify({ source: [{ prefix: 'aws.partner/' }] }) }));
    await customer.send(new PutTargetsCommand({ Rule: 'catch-all', Targets: [{ Id: 'q', Arn: queue }] }));

    const put = await putPartner({ orderId: 'lost' });
    expect(put.FailedEntryCount).toBe(0);
    expect(put.Entries![0].EventId).toMatch(/^[0-9a-f-]{36}$/);
    expect(await delivered()).toEqual([]);
    expect(emu.emulator.engine.pending()).toEqual([]);
    expect((await inspect(emu.url, 'deliveries')).deliveries).toEqual([]);
    expect((await inspect(emu.url, 'events')).events).toEqual([]);
    expect(JSON.stringify(emu.emulator.store.delivery)).not.toContain('lost');
  });

  test('deactivate stops delivery (PENDING, expiring two weeks later); activate resumes it; wrong states are InvalidStateException', async () => {
    await offer();
    await accept();
    await ruleOnPartnerBus();
    await putPartner({ n: 1 });
    expect((await delivered()).map((e) => e.detail)).toEqual([{ n: 1 }]);

    await customer.send(new DeactivateEventSourceCommand({ Name: source }));
    const deactivated = await describe_();
    expect(deactivated.State).toBe('PENDING');
    expect(deactivated.ExpirationTime!.getTime() / 1000).toBeCloseTo(nowSeconds() + 14 * 86_400, -1);
    await expectAwsError(customer.send(new DeactivateEventSourceCommand({ Name: source })), 'InvalidStateException', /PENDING/);
    await putPartner({ n: 2 });
    expect((await delivered()).map((e) => e.detail)).toEqual([{ n: 1 }]);
    // The partner bus stays while deactivated.
    expect((await customer.send(new ListEventBusesCommand({ NamePrefix: source }))).EventBuses).toHaveLength(1);

    await customer.send(new ActivateEventSourceCommand({ Name: source }));
    expect((await describe_()).State).toBe('ACTIVE');
    await expectAwsError(customer.send(new ActivateEventSourceCommand({ Name: source })), 'InvalidStateException', /ACTIVE/);
    await putPartner({ n: 3 });
    expect((await delivered()).map((e) => e.detail)).toEqual([{ n: 1 }, { n: 3 }]);
  });

  test('the partner deletes the source: the customer sees DELETED while the bus stays, then nothing once the bus goes', async () => {
    await offer();
    await accept();
    await partner.send(new DeletePartnerEventSourceCommand({ Name: source, Account: customerAccount }));
    expect((await describe_()).State).toBe('DELETED');
    expect((await partner.send(new ListPartnerEventSourcesCommand({ NamePrefix: 'aws.partner/saas.example.com/' }))).PartnerEventSources).toEqual([]);
    await expectAwsError(customer.send(new ActivateEventSourceCommand({ Name: source })), 'InvalidStateException', /DELETED/);
    // No longer the partner's source: its events are refused per entry.
    const put = await putPartner({});
    expect(put.Entries![0]).toEqual({ ErrorCode: 'NotAuthorizedForSourceException', ErrorMessage: 'Not authorized for the source.' });

    await customer.send(new DeleteEventBusCommand({ Name: source }));
    await expectAwsError(describe_(), 'ResourceNotFoundException', `Event source ${source} does not exist.`);
  });

  test('a source deleted before it was accepted disappears for the customer; deleting again, or one never made, succeeds', async () => {
    await offer();
    await partner.send(new DeletePartnerEventSourceCommand({ Name: source, Account: customerAccount }));
    expect((await customer.send(new ListEventSourcesCommand({}))).EventSources).toEqual([]);
    await partner.send(new DeletePartnerEventSourceCommand({ Name: source, Account: customerAccount }));
    await partner.send(new DeletePartnerEventSourceCommand({ Name: 'aws.partner/saas.example.com/never/made', Account: customerAccount }));
  });

  test('deleting the partner bus puts the source back to PENDING; a new bus makes it ACTIVE again', async () => {
    await offer();
    await accept();
    await customer.send(new DeleteEventBusCommand({ Name: source }));
    expect((await describe_()).State).toBe('PENDING');
    await accept();
    expect((await describe_()).State).toBe('ACTIVE');
  });

  test('a source left PENDING for two weeks expires on both sides (virtual clock)', async () => {
    await offer();
    await offer('aws.partner/saas.example.com/tenant-42/accepted');
    await accept('aws.partner/saas.example.com/tenant-42/accepted');
    await fetch(`${emu.url}/_eventbridge-local/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ advanceSeconds: 15 * 86_400 }) });
    const left = await customer.send(new ListEventSourcesCommand({}));
    expect(left.EventSources!.map((s) => [s.Name, s.State])).toEqual([['aws.partner/saas.example.com/tenant-42/accepted', 'ACTIVE']]);
    await expectAwsError(partner.send(new DescribePartnerEventSourceCommand({ Name: source })), 'ResourceNotFoundException', `Event source ${source} does not exist.`);
  });
});

describe('partner side', () => {
  test('Describe, List with NamePrefix and pagination, and the accounts with their state and expiry', async () => {
    const names = ['a', 'b', 'c'].map((n) => `aws.partner/saas.example.com/tenant-42/${n}`);
    for (const name of names) await offer(name);
    await offer('aws.partner/other.example.com/x/y');
    await accept(names[1]);

    expect(await partner.send(new DescribePartnerEventSourceCommand({ Name: names[0] }))).toMatchObject({ Name: names[0], Arn: `arn:aws:events:us-east-1::event-source/${names[0]}` });
    const first = await partner.send(new ListPartnerEventSourcesCommand({ NamePrefix: 'aws.partner/saas.example.com/', Limit: 2 }));
    expect(first.PartnerEventSources!.map((s) => s.Name)).toEqual(names.slice(0, 2));
    const second = await partner.send(new ListPartnerEventSourcesCommand({ NamePrefix: 'aws.partner/saas.example.com/', Limit: 2, NextToken: first.NextToken }));
    expect(second.PartnerEventSources!.map((s) => s.Name)).toEqual(names.slice(2));
    expect(second.NextToken).toBeUndefined();

    const pendingAccounts = await partner.send(new ListPartnerEventSourceAccountsCommand({ EventSourceName: names[0] }));
    expect(pendingAccounts.PartnerEventSourceAccounts).toEqual([
      { Account: customerAccount, CreationTime: expect.any(Date), ExpirationTime: expect.any(Date), State: 'PENDING' },
    ]);
    const activeAccounts = await partner.send(new ListPartnerEventSourceAccountsCommand({ EventSourceName: names[1] }));
    expect(activeAccounts.PartnerEventSourceAccounts).toEqual([{ Account: customerAccount, CreationTime: expect.any(Date), State: 'ACTIVE' }]);
  });

  test('names are unique across partners and customers; another account cannot describe or list the source', async () => {
    await offer();
    await expectAwsError(offer(), 'ResourceAlreadyExistsException', `Event source ${source} already exists.`);
    await expectAwsError(emu.clientFor('333333333333').send(new CreatePartnerEventSourceCommand({ Name: source, Account: '444444444444' })), 'ResourceAlreadyExistsException');
    await expectAwsError(customer.send(new DescribePartnerEventSourceCommand({ Name: source })), 'ResourceNotFoundException', `Event source ${source} does not exist.`);
    await expectAwsError(customer.send(new ListPartnerEventSourceAccountsCommand({ EventSourceName: source })), 'ResourceNotFoundException');
    await expectAwsError(emu.clientFor('333333333333').send(new DescribeEventSourceCommand({ Name: source })), 'ResourceNotFoundException');
  });

  test('PutPartnerEvents: AWS per-entry results in order, 1 to 20 entries, the 1 MB total', async () => {
    await offer();
    await accept();
    const res = await partner.send(
      new PutPartnerEventsCommand({
        Entries: [
          { Source: source, DetailType: 'ok', Detail: '{}' },
          { Source: source, Detail: '{}' },
          { Source: source, DetailType: 'd' },
          { Source: source, DetailType: 'd', Detail: '[1,2]' },
          { Source: 'aws.partner/not.mine.example/x', DetailType: 'd', Detail: '{}' },
        ],
      }),
    );
    expect(res.FailedEntryCount).toBe(4);
    expect(res.Entries).toEqual([
      { EventId: expect.any(String) },
      { ErrorCode: 'InvalidArgument', ErrorMessage: 'Parameter DetailType is not valid. Reason: DetailType is a required argument.' },
      { ErrorCode: 'InvalidArgument', ErrorMessage: 'Parameter Detail is not valid. Reason: Detail is a required argument.' },
      { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' },
      { ErrorCode: 'NotAuthorizedForSourceException', ErrorMessage: 'Not authorized for the source.' },
    ]);
    const entry = { Source: source, DetailType: 'd', Detail: '{}' };
    await expectAwsError(partner.send(new PutPartnerEventsCommand({ Entries: Array(21).fill(entry) })), 'ValidationException', /Member must have length less than or equal to 20/);
    expect((await partner.send(new PutPartnerEventsCommand({ Entries: Array(20).fill(entry) }))).FailedEntryCount).toBe(0);
    await expectAwsError(partner.send(new PutPartnerEventsCommand({ Entries: [{ ...entry, Source: 'saas.example.com' }] })), 'ValidationException', /at 'entries.1.member.source'/);
    const big = JSON.stringify({ pad: 'x'.repeat(600 * 1024) });
    await expectAwsError(
      partner.send(new PutPartnerEventsCommand({ Entries: [{ ...entry, Detail: big }, { ...entry, Detail: big }] })),
      'ValidationException',
      'Total size of the entries in the request is over the limit.',
    );
  });
});

describe('customer side', () => {
  test('ListEventSources with NamePrefix and pagination', async () => {
    for (const n of ['a', 'b', 'c']) await offer(`aws.partner/saas.example.com/tenant-42/${n}`);
    await offer('aws.partner/other.example.com/x/y');
    const first = await customer.send(new ListEventSourcesCommand({ NamePrefix: 'aws.partner/saas.example.com/', Limit: 2 }));
    expect(first.EventSources!.map((s) => s.Name)).toEqual(['a', 'b'].map((n) => `aws.partner/saas.example.com/tenant-42/${n}`));
    expect(first.EventSources![0]).toMatchObject({ CreatedBy: 'saas.example.com', State: 'PENDING' });
    const second = await customer.send(new ListEventSourcesCommand({ NamePrefix: 'aws.partner/saas.example.com/', Limit: 2, NextToken: first.NextToken }));
    expect(second.EventSources!.map((s) => s.Name)).toEqual(['aws.partner/saas.example.com/tenant-42/c']);
    expect((await customer.send(new ListEventSourcesCommand({}))).EventSources).toHaveLength(4);
  });

  test('CreateEventBus with EventSourceName: the name must match, the source must be offered to this account and PENDING', async () => {
    await expectAwsError(accept(), 'ResourceNotFoundException', `Event source ${source} does not exist.`);
    await offer();
    await expectAwsError(
      customer.send(new CreateEventBusCommand({ Name: 'aws.partner/saas.example.com/tenant-42/other', EventSourceName: source })),
      'ValidationException',
      `Event bus name aws.partner/saas.example.com/tenant-42/other must be the same as the event source name ${source}.`,
    );
    // Offered to the customer, not to anyone else.
    await expectAwsError(emu.client.send(new CreateEventBusCommand({ Name: source, EventSourceName: source })), 'ResourceNotFoundException');
    await accept();
    await expectAwsError(accept(), 'ResourceAlreadyExistsException', `Event bus ${source} already exists.`);
  });

  test('Activate/Deactivate a source without its partner bus: ResourceNotFoundException as AWS words it', async () => {
    await offer();
    const message = `Event source ${source} or event bus ${source} does not exist.`;
    await expectAwsError(customer.send(new ActivateEventSourceCommand({ Name: source })), 'ResourceNotFoundException', message);
    await expectAwsError(customer.send(new DeactivateEventSourceCommand({ Name: source })), 'ResourceNotFoundException', message);
    await expectAwsError(emu.client.send(new ActivateEventSourceCommand({ Name: source })), 'ResourceNotFoundException', message);
  });

  test('only the partner puts events on a partner bus: PutEvents and PutPermission refuse its name (NonPartnerEventBusName)', async () => {
    await offer();
    await accept();
    await expectAwsError(
      customer.send(new PutEventsCommand({ Entries: [{ Source: 'mine', DetailType: 'd', Detail: '{}', EventBusName: source }] })),
      'ValidationException',
      /at 'entries.1.member.eventBusName' failed to satisfy constraint: Member must satisfy regular expression pattern/,
    );
    // PutPermission itself is not built yet; the model's pattern refuses a partner bus before it would run.
    await expectAwsError(
      customer.send(new PutPermissionCommand({ EventBusName: source, Action: 'events:PutEvents', Principal: '123456789012', StatementId: 's1' })),
      'ValidationException',
      /at 'eventBusName' failed to satisfy constraint: Member must satisfy regular expression pattern: \[\\.\\-_A-Za-z0-9\]\+/,
    );
  });
});

test('partner sources and their state survive a restart', async () => {
  const { mkdtempSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const dataDir = mkdtempSync(join(tmpdir(), 'ebl-partner-'));
  const first = await startEmulator({ dataDir });
  await first.clientFor(partnerAccount).send(new CreatePartnerEventSourceCommand({ Name: source, Account: customerAccount }));
  await first.clientFor(customerAccount).send(new CreateEventBusCommand({ Name: source, EventSourceName: source }));
  await first.close();
  const second = await startEmulator({ dataDir });
  expect((await second.clientFor(customerAccount).send(new DescribeEventSourceCommand({ Name: source }))).State).toBe('ACTIVE');
  expect((await second.clientFor(partnerAccount).send(new ListPartnerEventSourcesCommand({ NamePrefix: 'aws.partner/saas.example.com/' }))).PartnerEventSources).toHaveLength(1);
  await second.close();
});
