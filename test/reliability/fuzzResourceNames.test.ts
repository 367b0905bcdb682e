/**
 * Resource names that are Object.prototype's own property names (issue 18, item 2).
 * `__proto__`, `constructor`, `toString` ... are valid EventBridge names, so every table keyed
 * by a caller's string must treat them as plain data. For each such name, in two accounts,
 * this creates, reads, updates, lists and deletes every resource kind (bus, rule, targets,
 * permission, tags, connection, API destination, archive, replay, endpoint, partner event
 * source), restarts the emulator from its data directory in between (state.json is read back
 * with JSON.parse), and checks after every call that Object.prototype is untouched and after
 * every name that the other account's state did not change. A name not created yet must be
 * "not found", never a phantom (DescribeEventBus `constructor` once answered `{"Name":"Object"}`).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VirtualClock } from '../../src/util/clock.js';
import { rawCall, startEmulator, type Running } from '../helpers/emulator.js';

// `__proto__` is an accessor of Object.prototype, the others are its methods.
const names = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'isPrototypeOf', '__defineGetter__', '__lookupSetter__'];
// A machine shared by many runs the ~2,000 requests of a phase slowly: bounded by count, with room.
const phaseTimeoutMs = 180_000;
const accounts = ['111111111111', '222222222222'] as const;
const east = 'us-east-1';
const west = 'eu-west-1';
const T0 = Date.UTC(2026, 0, 1, 12);

// What Object.prototype looked like before any request: names, and each property's value.
const prototypeNames = Object.getOwnPropertyNames(Object.prototype).sort();
const prototypeValues = new Map(prototypeNames.map((n) => [n, Object.getOwnPropertyDescriptor(Object.prototype, n)]));
function expectPrototypeUntouched(after: string): void {
  const now = Object.getOwnPropertyNames(Object.prototype).sort();
  if (JSON.stringify(now) !== JSON.stringify(prototypeNames)) throw new Error(`Object.prototype's properties changed after ${after}: ${now.join(',')}`);
  for (const n of now) {
    const was = prototypeValues.get(n)!;
    const is = Object.getOwnPropertyDescriptor(Object.prototype, n)!;
    if (was.value !== is.value || was.get !== is.get || was.set !== is.set) throw new Error(`Object.prototype.${n} changed after ${after}`);
  }
  const probe: Record<string, unknown> = {};
  const inherited: string[] = [];
  for (const key in probe) inherited.push(key);
  if (inherited.length > 0 || Object.getPrototypeOf(probe) !== Object.prototype) throw new Error(`a fresh object inherits ${inherited.join(',')} after ${after}`);
}

const auth = (account: string, region: string) => ({
  Authorization: `AWS4-HMAC-SHA256 Credential=${account}/20260101/${region}/events/aws4_request, SignedHeaders=host, Signature=00`,
});

let dataDir: string;
let emu: Running;
const clock = new VirtualClock(() => T0);
const start = async () => (emu = await startEmulator({ dataDir, clock }));

let requests = 0;
async function call(account: string, target: string, input: object, region = east) {
  requests++;
  const res = await rawCall(emu.url, target, JSON.stringify(input), auth(account, region));
  expectPrototypeUntouched(`${target} ${JSON.stringify(input)}`);
  return res;
}
async function ok(account: string, target: string, input: object, region = east) {
  const res = await call(account, target, input, region);
  if (res.status !== 200) throw new Error(`${target} ${JSON.stringify(input)} as ${account}/${region} answered ${res.status}: ${res.text}`);
  return res.json;
}
async function refused(account: string, target: string, input: object, type: string, region = east) {
  const res = await call(account, target, input, region);
  if (res.status !== 400 || res.json?.__type !== type) throw new Error(`${target} ${JSON.stringify(input)} as ${account}/${region}: expected ${type}, got ${res.status} ${res.text}`);
}

const busArn = (account: string, name: string, region = east) => `arn:aws:events:${region}:${account}:event-bus/${name}`;
const ruleArn = (account: string, bus: string, rule: string) => `arn:aws:events:${east}:${account}:rule/${bus}/${rule}`;
const queue = (account: string) => `arn:aws:sqs:${east}:${account}:q`;
/** Partner event source names are unique per Region across accounts: each partner account offers its own. */
const partnerSource = (name: string, partner: string) => `aws.partner/${name}.example.com/${partner}-${name}`;
const other = (account: string) => (account === accounts[0] ? accounts[1] : accounts[0]);
const described = (account: string, name: string) => `${name} of ${account}`;

/**
 * An account's whole state, to check a request of another account did not touch it; the only
 * thing that may change there is the event source `name`'s partner offers it.
 */
function stateOf(account: string, name: string): unknown {
  const copy = JSON.parse(JSON.stringify([east, west].map((region) => emu.emulator.store.findNamespace(account, region) ?? null)));
  for (const ns of copy) if (ns?.eventSources) delete ns.eventSources[partnerSource(name, other(account))];
  return copy;
}

/** Nothing of this name exists yet: every kind answers not found, and writes to it are refused. */
async function expectAbsent(account: string, name: string): Promise<void> {
  const nf = 'ResourceNotFoundException';
  await refused(account, 'DescribeEventBus', { Name: name }, nf);
  await refused(account, 'UpdateEventBus', { Name: name, Description: 'x' }, nf);
  await refused(account, 'PutRule', { Name: 'r', EventBusName: name, EventPattern: '{"source":["s"]}' }, nf);
  await refused(account, 'DescribeRule', { Name: name }, nf);
  await refused(account, 'DisableRule', { Name: name }, nf);
  await refused(account, 'PutTargets', { Rule: name, Targets: [{ Id: 't', Arn: queue(account) }] }, nf);
  await refused(account, 'PutPermission', { EventBusName: name, Action: 'events:PutEvents', Principal: '*', StatementId: 's' }, nf);
  await refused(account, 'TagResource', { ResourceARN: busArn(account, name), Tags: [{ Key: 'k', Value: 'v' }] }, nf);
  await refused(account, 'DescribeConnection', { Name: name }, nf);
  await refused(account, 'UpdateConnection', { Name: name, Description: 'x' }, nf);
  await refused(account, 'DescribeApiDestination', { Name: name }, nf);
  await refused(account, 'UpdateApiDestination', { Name: name, Description: 'x' }, nf);
  await refused(account, 'DescribeArchive', { ArchiveName: name }, nf);
  await refused(account, 'UpdateArchive', { ArchiveName: name, Description: 'x' }, nf);
  await refused(account, 'DescribeReplay', { ReplayName: name }, nf);
  await refused(account, 'DescribeEndpoint', { Name: name }, nf);
  await refused(account, 'DescribePartnerEventSource', { Name: partnerSource(name, account) }, nf);
  await refused(account, 'DescribeEventSource', { Name: partnerSource(name, account) }, nf);
}

/** Creates every kind of resource under `name` in `account`, and reads each back. */
async function createAll(account: string, name: string): Promise<void> {
  const description = described(account, name);
  for (const region of [east, west]) await ok(account, 'CreateEventBus', { Name: name, Description: description, Tags: [{ Key: name, Value: name }] }, region);
  // First on the bus: the archive's managed rule starts the bus's rule table.
  await ok(account, 'CreateArchive', { ArchiveName: name, Description: description, EventSourceArn: busArn(account, name) });
  await ok(account, 'PutRule', { Name: name, EventBusName: name, EventPattern: '{"source":["s"]}', Description: description, Tags: [{ Key: name, Value: 'rule' }] });
  await ok(account, 'PutRule', { Name: name, EventPattern: '{"source":["s"]}', Description: description });
  await ok(account, 'PutTargets', {
    Rule: name,
    EventBusName: name,
    Targets: [{ Id: name, Arn: queue(account), InputTransformer: { InputPathsMap: { [name]: '$.detail' }, InputTemplate: `{"v": <${name}>}` } }],
  });
  await ok(account, 'PutPermission', { EventBusName: name, Action: 'events:PutEvents', Principal: other(account), StatementId: name });
  const { ConnectionArn } = await ok(account, 'CreateConnection', {
    Name: name, Description: description, AuthorizationType: 'API_KEY', AuthParameters: { ApiKeyAuthParameters: { ApiKeyName: name, ApiKeyValue: 'secret' } },
  });
  await ok(account, 'CreateApiDestination', { Name: name, Description: description, ConnectionArn, InvocationEndpoint: 'https://example.com/*', HttpMethod: 'POST' });
  await ok(account, 'StartReplay', {
    ReplayName: name, Description: description, EventSourceArn: `arn:aws:events:${east}:${account}:archive/${name}`,
    EventStartTime: T0 / 1000 - 3600, EventEndTime: T0 / 1000 - 60, Destination: { Arn: busArn(account, name) },
  });
  await ok(account, 'CreateEndpoint', {
    Name: name, Description: description, ReplicationConfig: { State: 'DISABLED' },
    RoutingConfig: { FailoverConfig: { Primary: { HealthCheck: `arn:aws:route53:::healthcheck/${account}` }, Secondary: { Route: west } } },
    EventBuses: [{ EventBusArn: busArn(account, name, east) }, { EventBusArn: busArn(account, name, west) }],
  });
  // As a SaaS partner, offer a source named after `name` to the other account.
  await ok(account, 'CreatePartnerEventSource', { Name: partnerSource(name, account), Account: other(account) });
  // Past the endpoint's CREATING and the replay's whole run (STARTING 5 s, then one step), so
  // that nothing of this account still changes with time while the other account's turn runs.
  clock.advance(10_000);
}

/** Every resource of `name` in `account` reads back as this account created it. */
async function expectPresent(account: string, name: string): Promise<void> {
  const description = described(account, name);
  const bus = await ok(account, 'DescribeEventBus', { Name: name });
  expect([bus.Name, bus.Arn, bus.Description]).toEqual([name, busArn(account, name), description]);
  expect(JSON.parse(bus.Policy).Statement.map((s: { Sid: string }) => s.Sid)).toEqual([name]);
  expect((await ok(account, 'ListEventBuses', { NamePrefix: name })).EventBuses.map((b: { Name: string }) => b.Name)).toContain(name);
  expect((await ok(account, 'ListTagsForResource', { ResourceARN: busArn(account, name) })).Tags).toEqual([{ Key: name, Value: name }]);
  const rule = await ok(account, 'DescribeRule', { Name: name, EventBusName: name });
  expect([rule.Name, rule.Description, rule.EventBusName]).toEqual([name, description, name]);
  expect((await ok(account, 'DescribeRule', { Name: name })).EventBusName).toBe('default');
  // The archive's managed rule is on the bus too.
  expect((await ok(account, 'ListRules', { EventBusName: name })).Rules.map((r: { Name: string }) => r.Name).sort()).toEqual([`Events-Archive-${name}`, name].sort());
  expect((await ok(account, 'ListTagsForResource', { ResourceARN: ruleArn(account, name, name) })).Tags).toEqual([{ Key: name, Value: 'rule' }]);
  const targets = (await ok(account, 'ListTargetsByRule', { Rule: name, EventBusName: name })).Targets;
  expect(targets).toEqual([{ Id: name, Arn: queue(account), InputTransformer: { InputPathsMap: { [name]: '$.detail' }, InputTemplate: `{"v": <${name}>}` } }]);
  expect((await ok(account, 'ListRuleNamesByTarget', { TargetArn: queue(account), EventBusName: name })).RuleNames).toEqual([name]);
  const conn = await ok(account, 'DescribeConnection', { Name: name });
  expect([conn.Name, conn.Description]).toEqual([name, description]);
  expect((await ok(account, 'ListConnections', { NamePrefix: name })).Connections.map((c: { Name: string }) => c.Name)).toContain(name);
  const dest = await ok(account, 'DescribeApiDestination', { Name: name });
  expect([dest.Name, dest.Description, dest.ConnectionArn]).toEqual([name, description, conn.ConnectionArn]);
  expect((await ok(account, 'ListApiDestinations', { NamePrefix: name })).ApiDestinations.map((d: { Name: string }) => d.Name)).toContain(name);
  const archive = await ok(account, 'DescribeArchive', { ArchiveName: name });
  expect([archive.ArchiveName, archive.Description]).toEqual([name, description]);
  expect((await ok(account, 'ListArchives', { NamePrefix: name })).Archives.map((a: { ArchiveName: string }) => a.ArchiveName)).toContain(name);
  const replay = await ok(account, 'DescribeReplay', { ReplayName: name });
  expect([replay.ReplayName, replay.State]).toEqual([name, 'COMPLETED']);
  expect((await ok(account, 'ListReplays', { NamePrefix: name })).Replays.map((r: { ReplayName: string }) => r.ReplayName)).toContain(name);
  const endpoint = await ok(account, 'DescribeEndpoint', { Name: name });
  expect([endpoint.Name, endpoint.Description, endpoint.State]).toEqual([name, description, 'ACTIVE']);
  expect((await ok(account, 'ListEndpoints', { NamePrefix: name })).Endpoints.map((e: { Name: string }) => e.Name)).toContain(name);
  expect((await ok(account, 'DescribePartnerEventSource', { Name: partnerSource(name, account) })).Name).toBe(partnerSource(name, account));
  expect((await ok(other(account), 'DescribeEventSource', { Name: partnerSource(name, account) })).State).toBe('PENDING');
  expect((await ok(account, 'ListPartnerEventSourceAccounts', { EventSourceName: partnerSource(name, account) })).PartnerEventSourceAccounts.map((a: { Account: string }) => a.Account)).toEqual([other(account)]);
}

/** Updates every kind (the updates once wrote onto Object.prototype), then deletes all of them. */
async function updateAndDeleteAll(account: string, name: string): Promise<void> {
  await ok(account, 'UpdateEventBus', { Name: name, Description: 'updated' });
  expect((await ok(account, 'DescribeEventBus', { Name: name })).Description).toBe('updated');
  await ok(account, 'DisableRule', { Name: name, EventBusName: name });
  expect((await ok(account, 'DescribeRule', { Name: name, EventBusName: name })).State).toBe('DISABLED');
  await ok(account, 'EnableRule', { Name: name, EventBusName: name });
  await ok(account, 'UpdateConnection', { Name: name, Description: 'updated' });
  await ok(account, 'UpdateApiDestination', { Name: name, Description: 'updated' });
  expect((await ok(account, 'DescribeApiDestination', { Name: name })).Description).toBe('updated');
  await ok(account, 'UpdateArchive', { ArchiveName: name, Description: 'updated' });
  expect((await ok(account, 'DescribeArchive', { ArchiveName: name })).Description).toBe('updated');
  await ok(account, 'UpdateEndpoint', { Name: name, Description: 'updated' });
  await ok(account, 'UntagResource', { ResourceARN: busArn(account, name), TagKeys: [name] });
  expect((await ok(account, 'ListTagsForResource', { ResourceARN: busArn(account, name) })).Tags).toEqual([]);
  await ok(account, 'RemovePermission', { EventBusName: name, StatementId: name });
  expect((await ok(account, 'DescribeEventBus', { Name: name })).Policy).toBeUndefined();
  await ok(account, 'RemoveTargets', { Rule: name, EventBusName: name, Ids: [name] });
  expect((await ok(account, 'ListTargetsByRule', { Rule: name, EventBusName: name })).Targets).toEqual([]);
  await ok(account, 'DeleteRule', { Name: name, EventBusName: name });
  await ok(account, 'DeleteRule', { Name: name });
  await ok(account, 'DeletePartnerEventSource', { Name: partnerSource(name, account), Account: other(account) });
  await ok(account, 'DeleteApiDestination', { Name: name });
  await ok(account, 'DeleteConnection', { Name: name });
  await ok(account, 'DeleteArchive', { ArchiveName: name });
  clock.advance(5_000);
  await ok(account, 'DeleteEndpoint', { Name: name });
  clock.advance(5_000);
  for (const region of [east, west]) await ok(account, 'DeleteEventBus', { Name: name }, region);
  for (const [target, input] of [
    ['DescribeEventBus', { Name: name }], ['DescribeRule', { Name: name }], ['DescribeConnection', { Name: name }], ['DescribeApiDestination', { Name: name }],
    ['DescribeArchive', { ArchiveName: name }], ['DescribeEndpoint', { Name: name }], ['DescribePartnerEventSource', { Name: partnerSource(name, account) }],
  ] as const) {
    await refused(account, target, input, 'ResourceNotFoundException');
  }
  expect((await ok(account, 'ListEventBuses', {})).EventBuses.map((b: { Name: string }) => b.Name)).not.toContain(name);
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'ebl-names-'));
  await start();
  for (const account of accounts) await ok(account, 'CreateEventBus', { Name: 'victim' });
});

afterAll(async () => {
  // eslint-disable-next-line no-console
  console.log(`resource names: ${requests} requests, ${names.length} names x ${accounts.length} accounts, one restart; Object.prototype checked after each`);
  await emu?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

test('no name exists before it is created: not found, not a phantom of Object.prototype', async () => {
  for (const name of names) for (const account of accounts) await expectAbsent(account, name);
}, phaseTimeoutMs);

test('inspection filters take the names as data', async () => {
  for (const name of names) {
    for (const [view, param, key] of [['captures', 'targetArn', 'captures'], ['dead-letters', 'queueArn', 'messages']] as const) {
      const res = await fetch(`${emu.url}/_eventbridge-local/${view}?${param}=${encodeURIComponent(name)}`);
      const body = (await res.json()) as Record<string, unknown>;
      // Refused as not an ARN (the views check their parameters), or an empty list: never a 500.
      if (res.status === 400) expect(body.parameter).toBe(param);
      else expect([res.status, body[key]]).toEqual([200, []]);
      // An ARN whose last part is the name is a key like any other.
      const arn = `arn:aws:sqs:us-east-1:111111111111:${name}`;
      const byArn = await fetch(`${emu.url}/_eventbridge-local/${view}?${param}=${encodeURIComponent(arn)}`);
      expect([byArn.status, ((await byArn.json()) as Record<string, unknown>)[key]]).toEqual([200, []]);
    }
  }
  expectPrototypeUntouched('inspection views');
});

test.each(names)('%s: every resource kind is created and read back in two accounts, each leaving the other account unchanged', async (name) => {
  for (const account of accounts) {
    const others = stateOf(other(account), name);
    await createAll(account, name);
    await expectPresent(account, name);
    expect(stateOf(other(account), name)).toEqual(others);
  }
  // A policy on a bus named __proto__ (or anything) opens that bus only, never the other buses.
  for (const account of accounts) {
    const put = await ok(other(account), 'PutEvents', { Entries: [{ Source: 's', DetailType: 'd', Detail: '{}', EventBusName: busArn(account, 'victim') }] });
    expect(put.Entries[0].ErrorCode).toBe('AccessDeniedException');
    const allowed = await ok(other(account), 'PutEvents', { Entries: [{ Source: 's', DetailType: 'd', Detail: '{}', EventBusName: busArn(account, name) }] });
    expect(allowed.FailedEntryCount).toBe(0);
  }
}, phaseTimeoutMs);

test('after a restart from state.json, every name reads back and nothing else appears', async () => {
  await emu.close();
  await start();
  for (const name of names) for (const account of accounts) await expectPresent(account, name);
  // Names never created are still absent after the reload (JSON.parse gives Object.prototype objects).
  for (const account of accounts) await expectAbsent(account, 'unused-name');
}, phaseTimeoutMs);

test('after the restart, every resource of every name is updated and deleted, each account leaving the other unchanged', async () => {
  for (const name of names) {
    for (const account of accounts) {
      const others = stateOf(other(account), name);
      await updateAndDeleteAll(account, name);
      expect(stateOf(other(account), name)).toEqual(others);
    }
  }
  for (const account of accounts) {
    expect((await ok(account, 'ListEventBuses', {})).EventBuses.map((b: { Name: string }) => b.Name)).toEqual(['default', 'victim']);
    expect((await ok(account, 'ListConnections', {})).Connections).toEqual([]);
    expect((await ok(account, 'ListArchives', {})).Archives).toEqual([]);
  }
  for (const name of names) for (const account of accounts) {
    await refused(account, 'DescribeEventBus', { Name: name }, 'ResourceNotFoundException');
    await refused(account, 'UpdateEventBus', { Name: name, Description: 'x' }, 'ResourceNotFoundException');
    await refused(account, 'DescribeConnection', { Name: name }, 'ResourceNotFoundException');
  }
}, phaseTimeoutMs);
