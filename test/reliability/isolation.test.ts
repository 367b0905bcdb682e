/**
 * Isolation (issue 10, part 6): accounts (12-digit access key ids) and regions (SigV4 scope)
 * are namespaces. Each of four callers creates resources with the same names — bus, rule,
 * connection, API destination, archive, endpoint — and sees only its own, by list, by name and
 * by ARN; another namespace's bus is reachable only through its resource policy (PutPermission).
 */
import { rawCall, startEmulator, type Running } from '../helpers/emulator.js';

const callers = [
  { account: '111111111111', region: 'us-east-1' },
  { account: '111111111111', region: 'eu-west-1' },
  { account: '222222222222', region: 'us-east-1' },
  { account: '222222222222', region: 'eu-west-1' },
] as const;
type Caller = (typeof callers)[number];

const auth = (c: Caller) => ({ Authorization: `AWS4-HMAC-SHA256 Credential=${c.account}/20260101/${c.region}/events/aws4_request, SignedHeaders=host, Signature=00` });
let emu: Running;
const as = async (c: Caller, target: string, input: object) => rawCall(emu.url, target, JSON.stringify(input), auth(c));
const ok = async (c: Caller, target: string, input: object) => {
  const res = await as(c, target, input);
  if (res.status !== 200) throw new Error(`${target} as ${c.account}/${c.region} answered ${res.status}: ${res.text}`);
  return res.json;
};
const scope = (c: Caller) => `${c.region}:${c.account}`;
const other = (c: Caller) => (c.region === 'us-east-1' ? 'eu-west-1' : 'us-east-1');

beforeAll(async () => {
  emu = await startEmulator();
  for (const c of callers) {
    await ok(c, 'CreateEventBus', { Name: 'orders', Description: `of ${c.account} in ${c.region}` });
    await ok(c, 'PutRule', { Name: 'r', EventBusName: 'orders', EventPattern: '{"source":["s"]}', Description: `of ${c.account} in ${c.region}` });
    const { ConnectionArn } = await ok(c, 'CreateConnection', { Name: 'c', AuthorizationType: 'API_KEY', AuthParameters: { ApiKeyAuthParameters: { ApiKeyName: 'k', ApiKeyValue: `v-${c.account}` } } });
    await ok(c, 'CreateApiDestination', { Name: 'd', ConnectionArn, InvocationEndpoint: 'https://example.com/x', HttpMethod: 'POST' });
    await ok(c, 'CreateArchive', { ArchiveName: 'a', EventSourceArn: `arn:aws:events:${c.region}:${c.account}:event-bus/orders` });
  }
  // An endpoint spans two regions of one account.
  for (const account of ['111111111111', '222222222222']) {
    const c = callers.find((x) => x.account === account && x.region === 'us-east-1')!;
    await ok(c, 'CreateEndpoint', {
      Name: 'e', ReplicationConfig: { State: 'DISABLED' },
      RoutingConfig: { FailoverConfig: { Primary: { HealthCheck: `arn:aws:route53:::healthcheck/${account}` }, Secondary: { Route: 'eu-west-1' } } },
      EventBuses: [{ EventBusArn: `arn:aws:events:us-east-1:${account}:event-bus/orders` }, { EventBusArn: `arn:aws:events:eu-west-1:${account}:event-bus/orders` }],
    });
  }
});

afterAll(async () => {
  await emu?.close();
});

test.each(callers)('$account in $region lists only its own resources', async (c) => {
  const arnsOf = (items: Array<Record<string, string>>, key: string) => items.map((i) => i[key]);
  const mine = (arns: string[]) => arns.every((a) => a.includes(`:${scope(c)}:`));
  const buses = arnsOf((await ok(c, 'ListEventBuses', {})).EventBuses, 'Arn');
  expect(buses.sort()).toEqual([`arn:aws:events:${scope(c)}:event-bus/default`, `arn:aws:events:${scope(c)}:event-bus/orders`]);
  const rules = arnsOf((await ok(c, 'ListRules', { EventBusName: 'orders' })).Rules, 'Arn');
  // The archive's managed rule is on its source bus too, as on AWS.
  expect(rules).toEqual([`arn:aws:events:${scope(c)}:rule/orders/Events-Archive-a`, `arn:aws:events:${scope(c)}:rule/orders/r`]);
  const connections = arnsOf((await ok(c, 'ListConnections', {})).Connections, 'ConnectionArn');
  expect(connections).toHaveLength(1);
  expect(mine(connections)).toBe(true);
  const destinations = arnsOf((await ok(c, 'ListApiDestinations', {})).ApiDestinations, 'ApiDestinationArn');
  expect(destinations).toHaveLength(1);
  expect(mine(destinations)).toBe(true);
  const archives = (await ok(c, 'ListArchives', {})).Archives;
  expect(archives.map((a: { EventSourceArn: string }) => a.EventSourceArn)).toEqual([`arn:aws:events:${scope(c)}:event-bus/orders`]);
  const endpoints = (await ok(c, 'ListEndpoints', {})).Endpoints;
  expect(endpoints.map((e: { Arn: string }) => e.Arn)).toEqual(c.region === 'us-east-1' ? [`arn:aws:events:${scope(c)}:endpoint/e`] : []);
});

test.each(callers)('$account in $region describes its own resource of each shared name', async (c) => {
  expect((await ok(c, 'DescribeEventBus', { Name: 'orders' })).Description).toBe(`of ${c.account} in ${c.region}`);
  expect((await ok(c, 'DescribeRule', { Name: 'r', EventBusName: 'orders' })).Description).toBe(`of ${c.account} in ${c.region}`);
  expect((await ok(c, 'DescribeConnection', { Name: 'c' })).ConnectionArn).toContain(`:${scope(c)}:`);
  expect((await ok(c, 'DescribeApiDestination', { Name: 'd' })).ApiDestinationArn).toContain(`:${scope(c)}:`);
  expect((await ok(c, 'DescribeArchive', { ArchiveName: 'a' })).ArchiveArn).toContain(`:${scope(c)}:`);
});

test.each(callers)("$account in $region cannot reach another namespace's resources by ARN", async (c) => {
  const otherAccount = c.account === '111111111111' ? '222222222222' : '111111111111';
  for (const [account, region] of [[otherAccount, c.region], [c.account, other(c)]]) {
    const bus = `arn:aws:events:${region}:${account}:event-bus/orders`;
    const rules = await as(c, 'ListRules', { EventBusName: bus });
    expect(rules.status).toBe(400);
    const rule = await as(c, 'DescribeRule', { Name: 'r', EventBusName: bus });
    expect(rule.status).toBe(400);
    const described = await as(c, 'DescribeEventBus', { Name: bus });
    // AWS lets DescribeEventBus name any bus by ARN, answering for the caller's own namespace only.
    if (described.status === 200) expect(described.json.Arn).not.toBe(bus);
    const destination = await as(c, 'CreateApiDestination', {
      Name: `steal-${account}-${region}`, ConnectionArn: `arn:aws:events:${region}:${account}:connection/c/x`, InvocationEndpoint: 'https://example.com/y', HttpMethod: 'POST',
    });
    expect(destination.status).toBe(400);
    const put = await as(c, 'PutEvents', { Entries: [{ Source: 's', DetailType: 'd', Detail: '{}', EventBusName: bus }] });
    expect(put.json.FailedEntryCount ?? (put.status === 200 ? 0 : 1)).toBeGreaterThan(0);
  }
});

test('a bus of another account takes events only once its resource policy allows the sender', async () => {
  const [a, , b] = callers;
  const busOfB = `arn:aws:events:${b.region}:${b.account}:event-bus/orders`;
  const before = await ok(a, 'PutEvents', { Entries: [{ Source: 's', DetailType: 'd', Detail: '{}', EventBusName: busOfB }] });
  expect(before.FailedEntryCount).toBe(1);
  await ok(b, 'PutPermission', { EventBusName: 'orders', Action: 'events:PutEvents', Principal: a.account, StatementId: 'allow-a' });
  const after = await ok(a, 'PutEvents', { Entries: [{ Source: 's', DetailType: 'd', Detail: '{}', EventBusName: busOfB }] });
  expect(after.FailedEntryCount).toBe(0);
  // The policy opens PutEvents only: a's view of its own resources is unchanged, b's rules stay b's.
  expect((await as(a, 'ListRules', { EventBusName: busOfB })).status).toBe(400);
  await ok(b, 'RemovePermission', { EventBusName: 'orders', StatementId: 'allow-a' });
});

/**
 * Issue 18: what one account can learn or do about another (items 3, 18), refused requests
 * that leave no trace (item 11), bus policies that cannot poison a bus (item 12) and policy
 * globs matched in linear time (item 9).
 */
describe('across accounts, refused requests and bus policies (issue 18)', () => {
  const [a, , b] = callers;
  const fresh = { account: '333333333333', region: 'us-east-1' } as unknown as Caller;
  const entry = (bus: string) => ({ Source: 's', DetailType: 'd', Detail: '{}', EventBusName: bus });
  const busOf = (c: Caller, name: string) => `arn:aws:events:${c.region}:${c.account}:event-bus/${name}`;
  const store = () => emu.emulator.store;

  test("an API destination of another account cannot be a target, whether it exists or not (confused deputy)", async () => {
    const { ApiDestinationArn } = await ok(a, 'DescribeApiDestination', { Name: 'd' });
    const ghost = ApiDestinationArn.replace('/d/', '/ghost/');
    await ok(b, 'PutRule', { Name: 'deputy', EventPattern: '{"source":["s"]}' });
    const put = await ok(b, 'PutTargets', { Rule: 'deputy', Targets: [{ Id: 'real', Arn: ApiDestinationArn }, { Id: 'ghost', Arn: ghost }] });
    expect(put.FailedEntries).toEqual([
      { TargetId: 'real', ErrorCode: 'ValidationException', ErrorMessage: `Parameter ${ApiDestinationArn} is not valid. Reason: An API destination target must be in the same account as the rule.` },
      { TargetId: 'ghost', ErrorCode: 'ValidationException', ErrorMessage: `Parameter ${ghost} is not valid. Reason: An API destination target must be in the same account as the rule.` },
    ]);
    expect((await ok(b, 'ListTargetsByRule', { Rule: 'deputy' })).Targets).toEqual([]);
    await ok(b, 'DeleteRule', { Name: 'deputy' });
  });

  test("PutTargets and PutEvents answer alike for another account's bus that exists and one that does not", async () => {
    await ok(b, 'PutRule', { Name: 'oracle', EventPattern: '{"source":["s"]}' });
    const targets = await ok(b, 'PutTargets', { Rule: 'oracle', Targets: [{ Id: 'real', Arn: busOf(a, 'orders') }, { Id: 'ghost', Arn: busOf(a, 'ghost') }] });
    expect(targets).toEqual({ FailedEntryCount: 0, FailedEntries: [] });
    const events = await ok(b, 'PutEvents', { Entries: [entry(busOf(a, 'orders')), entry(busOf(a, 'ghost'))] });
    const denied = (name: string) => ({
      ErrorCode: 'AccessDeniedException',
      ErrorMessage: `User: arn:aws:iam::${b.account}:root is not authorized to perform: events:PutEvents on resource: ${busOf(a, name)} because no resource-based policy allows the events:PutEvents action`,
    });
    expect(events).toEqual({ FailedEntryCount: 2, Entries: [denied('orders'), denied('ghost')] });
    await ok(b, 'RemoveTargets', { Rule: 'oracle', Ids: ['real', 'ghost'] });
    await ok(b, 'DeleteRule', { Name: 'oracle' });
  });

  test("naming another account's bus creates no namespace for it, and its delivery fails as for a bus that exists but does not allow it", async () => {
    await ok(b, 'PutRule', { Name: 'far', EventPattern: '{"source":["far"]}' });
    await ok(b, 'PutTargets', { Rule: 'far', Targets: [{ Id: 'far', Arn: busOf(fresh, 'x') }, { Id: 'near', Arn: busOf(a, 'orders') }] });
    await ok(b, 'PutEvents', { Entries: [entry(busOf(fresh, 'x')), entry(busOf(fresh, 'default'))] });
    const { Entries } = await ok(b, 'PutEvents', { Entries: [{ Source: 'far', DetailType: 'd', Detail: '{}' }] });
    await emu.emulator.engine.idle();
    expect(store().findNamespace(fresh.account, fresh.region)).toBeUndefined();
    const res = await fetch(`${emu.url}/_eventbridge-local/deliveries?eventId=${Entries[0].EventId}`);
    const { deliveries } = (await res.json()) as { deliveries: any[] };
    const first = (targetId: string) => deliveries.find((d: { targetId: string }) => d.targetId === targetId).attempts[0];
    const denied = (arn: string) => `User: arn:aws:iam::${b.account}:root is not authorized to perform: events:PutEvents on resource: ${arn} because no resource-based policy allows the events:PutEvents action`;
    expect([first('far').errorCode, first('far').errorMessage]).toEqual(['NO_PERMISSIONS', denied(busOf(fresh, 'x'))]);
    expect([first('near').errorCode, first('near').errorMessage]).toEqual(['NO_PERMISSIONS', denied(busOf(a, 'orders'))]);
    await ok(b, 'RemoveTargets', { Rule: 'far', Ids: ['far', 'near'] });
    await ok(b, 'DeleteRule', { Name: 'far' });
  });

  test("a target naming another account's API destination that got into the state anyway is never sent", async () => {
    // A destination of a's on a port nothing listens on: an attempt would fail with CONNECTION_FAILURE.
    const { ConnectionArn } = await ok(a, 'DescribeConnection', { Name: 'c' });
    const { ApiDestinationArn } = await ok(a, 'CreateApiDestination', { Name: 'local', ConnectionArn, InvocationEndpoint: 'http://127.0.0.1:9/x', HttpMethod: 'POST' });
    await ok(b, 'PutRule', { Name: 'old-state', EventPattern: '{"source":["old-state"]}' });
    // As an older version accepted it at PutTargets.
    store().findNamespace(b.account, b.region)!.rules.default['old-state'].targets.push({ Id: 'deputy', Arn: ApiDestinationArn });
    const { Entries } = await ok(b, 'PutEvents', { Entries: [{ Source: 'old-state', DetailType: 'd', Detail: '{}' }] });
    await emu.emulator.engine.idle();
    const { deliveries } = (await (await fetch(`${emu.url}/_eventbridge-local/deliveries?eventId=${Entries[0].EventId}`)).json()) as { deliveries: any[] };
    expect(deliveries.map((d: { attempts: Array<{ errorCode: string }> }) => d.attempts.map((t) => t.errorCode))).toEqual([['NO_PERMISSIONS']]);
    store().findNamespace(b.account, b.region)!.rules.default['old-state'].targets.length = 0;
    await ok(b, 'DeleteRule', { Name: 'old-state' });
    await ok(a, 'DeleteApiDestination', { Name: 'local' });
  });

  test('a Region that does not exist is refused as AWS refuses its scope, and gets no namespace', async () => {
    const before = store().namespaces().length;
    for (const region of ['xx-fake-1', 'us-east-1x', 'local', 'US-EAST-1']) {
      const res = await as({ account: b.account, region } as unknown as Caller, 'DescribeEventBus', {});
      expect([res.status, res.json]).toEqual([400, { __type: 'InvalidSignatureException', message: 'Credential should be scoped to a valid region. ' }]);
    }
    expect(store().namespaces().length).toBe(before);
  });

  test('a refused request creates no namespace for its caller', async () => {
    for (const [target, input] of [
      ['DescribeEventBus', { Name: 'nope' }],
      ['DescribeRule', { Name: 'nope' }],
      ['PutTargets', { Rule: 'nope', Targets: [{ Id: 't', Arn: 'arn:aws:sqs:us-east-1:333333333333:q' }] }],
      ['DeleteConnection', { Name: 'nope' }],
      ['PutPermission', { Policy: '{"Statement":[null]}' }],
    ] as const) {
      const res = await as(fresh, target, input);
      expect(res.status).toBe(400);
      expect(store().findNamespace(fresh.account, fresh.region)).toBeUndefined();
    }
  });

  test('PutEvents checks every entry before it routes any: a Time out of range fails alone, never with a 500 after routing', async () => {
    const res = await as(b, 'PutEvents', { Entries: [entry('orders'), { ...entry('orders'), Time: 1e15 }, { ...entry('orders'), Time: -1e15 }] });
    expect(res.status).toBe(200);
    expect(res.json.FailedEntryCount).toBe(2);
    expect(res.json.Entries[0].EventId).toEqual(expect.any(String));
    expect(res.json.Entries.slice(1)).toEqual([1, 2].map(() => ({ ErrorCode: 'InvalidArgument', ErrorMessage: 'Parameter Time is not valid. Reason: Time must be a date between the years 0 and 9999.' })));
  });

  test.each([
    '{"Statement":[null]}',
    '{"Statement":{}}',
    '{"Statement":[]}',
    '{"Statement":"x"}',
    'null',
    '[]',
    '{"Statement":[{"Effect":"Allow","Principal":"*","Action":null,"Resource":"*"}]}',
    '{"Statement":[{"Effect":"Allow","Principal":"*","Action":"events:PutEvents"}]}',
    '{"Statement":[{"Effect":"Allow","Principal":{"AWS":null},"Action":"events:PutEvents","Resource":"*"}]}',
    '{"Statement":[{"Effect":"Allow","Principal":{},"Action":"events:PutEvents","Resource":"*"}]}',
    '{"Statement":[{"Effect":"Maybe","Principal":"*","Action":"events:PutEvents","Resource":"*"}]}',
    '{"Statement":[{"Effect":"Allow","Principal":"*","Action":["events:PutEvents",1],"Resource":"*"}]}',
    '{"Statement":[{"Effect":"Allow","Principal":"*","Action":"events:PutEvents","Resource":"*","Condition":"x"}]}',
  ])('PutPermission refuses the malformed policy %s and the bus goes on working', async (policy) => {
    const res = await as(a, 'PutPermission', { EventBusName: 'orders', Policy: policy });
    expect(res.status).toBe(400);
    expect(res.json.__type).toBe('ValidationException');
    expect(res.json.message).toMatch(/^Parameter Policy is not valid\. Reason: /);
    expect((await ok(a, 'DescribeEventBus', { Name: 'orders' })).Policy).toBeUndefined();
  });

  test('whatever policy a bus holds (a state file written before policies were checked), no call on it answers 500', async () => {
    const bus = store().findNamespace(a.account, a.region)!.eventBuses.orders;
    for (const held of ['{"Statement":[null]}', '{"Statement":{}}', '{"Statement":[{"Effect":"Allow","Principal":"*","Action":null,"Resource":null}]}', 'not json', '7']) {
      bus.policy = held;
      expect((await ok(b, 'PutEvents', { Entries: [entry(busOf(a, 'orders'))] })).Entries[0].ErrorCode).toBe('AccessDeniedException');
      expect((await as(a, 'RemovePermission', { EventBusName: 'orders', StatementId: 'x' })).json.__type).toBe('ResourceNotFoundException');
      await ok(a, 'PutPermission', { EventBusName: 'orders', Action: 'events:PutEvents', Principal: b.account, StatementId: 'allow-b' });
      expect((await ok(b, 'PutEvents', { Entries: [entry(busOf(a, 'orders'))] })).FailedEntryCount).toBe(0);
      await ok(a, 'RemovePermission', { EventBusName: 'orders', StatementId: 'allow-b' });
    }
  });

  test('a policy Resource glob that makes a backtracking regex explode is matched in linear time', async () => {
    const name = 'a'.repeat(200);
    await ok(a, 'CreateEventBus', { Name: name });
    const glob = `arn:aws:events:${a.region}:${a.account}:event-bus/*a*a*a*a*a*a*a*a*a*a*Z`;
    await ok(a, 'PutPermission', { EventBusName: name, Policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'g', Effect: 'Allow', Principal: '*', Action: 'events:PutEvents', Resource: glob }] }) });
    // It returns (a regex took close to a minute per event here), and the glob does not match.
    const put = await ok(b, 'PutEvents', { Entries: Array.from({ length: 10 }, () => entry(busOf(a, name))) });
    expect(put.Entries.map((e: { ErrorCode?: string }) => e.ErrorCode)).toEqual(Array(10).fill('AccessDeniedException'));
    await ok(a, 'DeleteEventBus', { Name: name });
  });
});

test('a refused request writes nothing: state.json is left as it was', async () => {
  const { mkdtempSync, readFileSync, rmSync, statSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const dataDir = mkdtempSync(join(tmpdir(), 'ebl-refused-'));
  const own = await startEmulator({ dataDir });
  try {
    const call = (account: string, region: string, target: string, input: object) =>
      rawCall(own.url, target, JSON.stringify(input), auth({ account, region } as unknown as Caller));
    await call('111111111111', 'us-east-1', 'CreateEventBus', { Name: 'kept' });
    await own.emulator.store.flush();
    const file = join(dataDir, 'state.json');
    // ... nor its journal (src/store/controlJournal.ts).
    const journal = join(dataDir, `state-${JSON.parse(readFileSync(file, 'utf8')).controlJournal}.journal`);
    const before = { text: readFileSync(file, 'utf8'), mtime: statSync(file).mtimeMs, journal: readFileSync(journal, 'utf8') };
    for (let i = 0; i < 20; i++) {
      expect((await call(`4444444444${String(i).padStart(2, '0')}`, 'us-east-1', 'DescribeEventBus', { Name: 'nope' })).status).toBe(400);
      expect((await call('111111111111', `xx-fake-${i}`, 'DescribeEventBus', {})).status).toBe(400);
      expect((await call('111111111111', 'eu-west-1', 'DescribeRule', { Name: 'nope' })).status).toBe(400);
    }
    await own.emulator.store.flush();
    expect({ text: readFileSync(file, 'utf8'), mtime: statSync(file).mtimeMs, journal: readFileSync(journal, 'utf8') }).toEqual(before);
    expect(own.emulator.store.namespaces().map((ns) => `${ns.account}:${ns.region}`)).toEqual(['111111111111:us-east-1']);
  } finally {
    await own.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
