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
