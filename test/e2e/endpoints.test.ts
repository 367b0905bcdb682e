/**
 * Global endpoints: the control plane through the SDK and the `aws` CLI, and PutEvents
 * with EndpointId routed by the health check a test flips.
 *
 * PutEvents with EndpointId goes through raw requests: the SDKs sign it with SigV4a, which
 * needs @aws-sdk/signature-v4-crt (or @aws-sdk/signature-v4a) in JS and botocore[crt] for
 * the CLI; without them both refuse client-side ("Neither CRT nor JS SigV4a implementation
 * is available" / "Missing Dependency ... pip install botocore[crt]").
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateEndpointCommand,
  CreateEventBusCommand,
  DeleteEndpointCommand,
  DescribeEndpointCommand,
  ListEndpointsCommand,
  PutRuleCommand,
  PutTargetsCommand,
  UpdateEndpointCommand,
  type CreateEndpointCommandInput,
  type EventBridgeClient,
} from '@aws-sdk/client-eventbridge';
import { VirtualClock } from '../../src/util/clock.js';
import { awsEvents } from '../helpers/awsCli.js';
import { expectAwsError, rawCall, startEmulator, type Running } from '../helpers/emulator.js';
import { captures, inspect, reset } from '../helpers/inspect.js';

// Real time stands still: virtual time moves only when a test advances it, so state timing is exact.
const T0 = Date.UTC(2026, 0, 1, 12);
const frozenClock = () => new VirtualClock(() => T0);

let emu: Running;
let west: EventBridgeClient;
beforeAll(async () => {
  emu = await startEmulator({ clock: frozenClock() });
  west = emu.clientFor('test', 'us-west-2');
});
afterAll(() => emu.close());
beforeEach(() => reset(emu.url));

const account = '000000000000';
const east = 'us-east-1';
const westRegion = 'us-west-2';
const busArn = (region: string, name: string, acct = account) => `arn:aws:events:${region}:${acct}:event-bus/${name}`;
const endpointArn = (name: string, region = east) => `arn:aws:events:${region}:${account}:endpoint/${name}`;
const healthCheck = 'arn:aws:route53:::healthcheck/8f7dc0b8-ad9e-4bcd-846e-3a475c53bb76';
const otherHealthCheck = 'arn:aws:route53:::healthcheck/0aa1bb22-cc33-4dd4-8ee5-ff6600778899';
const role = `arn:aws:iam::${account}:role/service-role/replication`;
const queue = (region: string, name: string) => `arn:aws:sqs:${region}:${account}:${name}`;

/** An endpoint of bus `orders` with us-east-1 primary and us-west-2 secondary, replication off unless overridden. */
function endpointInput(name: string, overrides: Partial<CreateEndpointCommandInput> = {}): CreateEndpointCommandInput {
  return {
    Name: name,
    RoutingConfig: { FailoverConfig: { Primary: { HealthCheck: healthCheck }, Secondary: { Route: westRegion } } },
    EventBuses: [{ EventBusArn: busArn(east, 'orders') }, { EventBusArn: busArn(westRegion, 'orders') }],
    ReplicationConfig: { State: 'DISABLED' },
    ...overrides,
  };
}

async function advance(ms: number) {
  emu.emulator.clock.advance(ms);
  await emu.emulator.engine.idle();
}

async function describeEp(name: string, client = emu.client) {
  return client.send(new DescribeEndpointCommand({ Name: name }));
}

describe('control plane (SDK)', () => {
  test('create answers CREATING; describe shows id, URL and times; ACTIVE after 2 virtual seconds', async () => {
    const created = await emu.client.send(new CreateEndpointCommand(endpointInput('orders-ep', { Description: 'failover for orders', ReplicationConfig: { State: 'ENABLED' }, RoleArn: role })));
    const { $metadata, ...body } = created;
    expect(body).toEqual({
      Name: 'orders-ep',
      Arn: endpointArn('orders-ep'),
      RoutingConfig: { FailoverConfig: { Primary: { HealthCheck: healthCheck }, Secondary: { Route: westRegion } } },
      ReplicationConfig: { State: 'ENABLED' },
      EventBuses: [{ EventBusArn: busArn(east, 'orders') }, { EventBusArn: busArn(westRegion, 'orders') }],
      RoleArn: role,
      State: 'CREATING',
    });

    const creating = await describeEp('orders-ep');
    expect(creating).toMatchObject({ Name: 'orders-ep', Description: 'failover for orders', Arn: endpointArn('orders-ep'), RoleArn: role, State: 'CREATING' });
    expect(creating.EndpointId).toMatch(/^[a-z0-9]{10}\.veo$/);
    expect(creating.EndpointUrl).toBe(`https://${creating.EndpointId}.endpoint.events.amazonaws.com`);
    expect(creating.CreationTime).toBeInstanceOf(Date);
    expect(creating.LastModifiedTime!.getTime()).toBe(creating.CreationTime!.getTime());

    await advance(1_999);
    expect((await describeEp('orders-ep')).State).toBe('CREATING');
    await advance(1);
    const active = await describeEp('orders-ep');
    expect(active.State).toBe('ACTIVE');
    expect(active.EndpointId).toBe(creating.EndpointId);
    expect(active.LastModifiedTime!.getTime() - active.CreationTime!.getTime()).toBe(2_000);
  });

  test('each endpoint gets its own EndpointId', async () => {
    await emu.client.send(new CreateEndpointCommand(endpointInput('one')));
    await emu.client.send(new CreateEndpointCommand(endpointInput('two')));
    expect((await describeEp('one')).EndpointId).not.toBe((await describeEp('two')).EndpointId);
  });

  test('ReplicationConfig defaults to ENABLED, which needs a RoleArn', async () => {
    await expectAwsError(
      emu.client.send(new CreateEndpointCommand(endpointInput('needs-role', { ReplicationConfig: undefined }))),
      'ValidationException',
      'Parameter RoleArn is not valid. Reason: A RoleArn is required when event replication is enabled (ReplicationConfig State ENABLED, the default).',
    );
    const created = await emu.client.send(new CreateEndpointCommand(endpointInput('default-replication', { ReplicationConfig: undefined, RoleArn: role })));
    expect(created.ReplicationConfig).toEqual({ State: 'ENABLED' });
    await emu.client.send(new CreateEndpointCommand(endpointInput('no-replication')));
    const described = await describeEp('no-replication');
    expect(described.ReplicationConfig).toEqual({ State: 'DISABLED' });
    expect(described).not.toHaveProperty('RoleArn');
  });

  test.each([
    ['bus names differ', [busArn(east, 'orders'), busArn(westRegion, 'payments')], westRegion, 'Parameter EventBuses is not valid. Reason: The names of the event buses must be identical in each Region.'],
    ['both buses in one Region', [busArn(east, 'orders'), busArn(east, 'orders')], westRegion, 'Parameter EventBuses is not valid. Reason: The event buses must be in two different Regions.'],
    ['a bus of another account', [busArn(east, 'orders'), busArn(westRegion, 'orders', '111111111111')], westRegion, `Parameter EventBuses is not valid. Reason: The event buses must belong to the endpoint's account ${account}.`],
    ['no bus in the caller\'s (primary) Region', [busArn('eu-west-1', 'orders'), busArn(westRegion, 'orders')], westRegion, "Parameter EventBuses is not valid. Reason: One event bus must be in the endpoint's primary Region us-east-1, where the endpoint is created."],
    ['Route is not the other bus\'s Region', [busArn(east, 'orders'), busArn(westRegion, 'orders')], 'eu-west-1', 'Parameter RoutingConfig.FailoverConfig.Secondary.Route is not valid. Reason: The secondary Region must be the Region of the other event bus (us-west-2).'],
  ])('semantic check: %s', async (_case, arns, route, message) => {
    const input = endpointInput('bad', {
      EventBuses: arns.map((EventBusArn) => ({ EventBusArn })),
      RoutingConfig: { FailoverConfig: { Primary: { HealthCheck: healthCheck }, Secondary: { Route: route } } },
    });
    await expectAwsError(emu.client.send(new CreateEndpointCommand(input)), 'ValidationException', message);
    await expectAwsError(describeEp('bad'), 'ResourceNotFoundException');
  });

  test('the model\'s constraints are checked before the action', async () => {
    await expectAwsError(
      emu.client.send(new CreateEndpointCommand(endpointInput('one-bus', { EventBuses: [{ EventBusArn: busArn(east, 'orders') }] }))),
      'ValidationException',
      /^1 validation error detected: Value '.*' at 'eventBuses' failed to satisfy constraint: Member must have length greater than or equal to 2$/,
    );
    const badHealthCheck = endpointInput('bad-hc', { RoutingConfig: { FailoverConfig: { Primary: { HealthCheck: 'not-an-arn' }, Secondary: { Route: westRegion } } } });
    await expectAwsError(emu.client.send(new CreateEndpointCommand(badHealthCheck)), 'ValidationException', /Value 'not-an-arn' at 'routingConfig\.failoverConfig\.primary\.healthCheck' failed to satisfy constraint: Member must satisfy regular expression pattern/);
  });

  test('duplicate, unknown and quota errors', async () => {
    await emu.client.send(new CreateEndpointCommand(endpointInput('dup')));
    await expectAwsError(emu.client.send(new CreateEndpointCommand(endpointInput('dup'))), 'ResourceAlreadyExistsException', 'Endpoint dup already exists.');
    await expectAwsError(describeEp('ghost'), 'ResourceNotFoundException', 'Endpoint ghost does not exist.');
    await expectAwsError(emu.client.send(new UpdateEndpointCommand({ Name: 'ghost', Description: 'x' })), 'ResourceNotFoundException', 'Endpoint ghost does not exist.');
    await expectAwsError(emu.client.send(new DeleteEndpointCommand({ Name: 'ghost' })), 'ResourceNotFoundException', 'Endpoint ghost does not exist.');

    for (let i = 1; i < 100; i++) await emu.client.send(new CreateEndpointCommand(endpointInput(`ep-${i}`)));
    await expectAwsError(emu.client.send(new CreateEndpointCommand(endpointInput('ep-101'))), 'LimitExceededException', 'The requested resource exceeds the maximum number allowed.');
    // The quota is per Region: us-west-2 still has room.
    const westInput = endpointInput('in-west', {
      EventBuses: [{ EventBusArn: busArn(westRegion, 'orders') }, { EventBusArn: busArn(east, 'orders') }],
      RoutingConfig: { FailoverConfig: { Primary: { HealthCheck: healthCheck }, Secondary: { Route: east } } },
    });
    expect((await west.send(new CreateEndpointCommand(westInput))).State).toBe('CREATING');
  });

  test('list filters by NamePrefix and HomeRegion and pages with MaxResults/NextToken; describe takes HomeRegion', async () => {
    for (const name of ['b-1', 'a-2', 'a-1']) await emu.client.send(new CreateEndpointCommand(endpointInput(name)));
    await west.send(
      new CreateEndpointCommand(
        endpointInput('w-1', {
          EventBuses: [{ EventBusArn: busArn(westRegion, 'orders') }, { EventBusArn: busArn(east, 'orders') }],
          RoutingConfig: { FailoverConfig: { Primary: { HealthCheck: healthCheck }, Secondary: { Route: east } } },
        }),
      ),
    );
    const names = (r: { Endpoints?: Array<{ Name?: string }> }) => r.Endpoints!.map((e) => e.Name);

    const all = await emu.client.send(new ListEndpointsCommand({}));
    expect(names(all)).toEqual(['a-1', 'a-2', 'b-1']);
    expect(all.NextToken).toBeUndefined();
    expect(all.Endpoints![0]).toMatchObject({ Arn: endpointArn('a-1'), State: 'CREATING', ReplicationConfig: { State: 'DISABLED' }, EndpointUrl: expect.stringMatching(/^https:\/\/[a-z0-9]{10}\.veo\.endpoint\.events\.amazonaws\.com$/) });
    expect(all.Endpoints![0].CreationTime).toBeInstanceOf(Date);

    expect(names(await emu.client.send(new ListEndpointsCommand({ NamePrefix: 'a-' })))).toEqual(['a-1', 'a-2']);
    const first = await emu.client.send(new ListEndpointsCommand({ MaxResults: 2 }));
    expect(names(first)).toEqual(['a-1', 'a-2']);
    const second = await emu.client.send(new ListEndpointsCommand({ MaxResults: 2, NextToken: first.NextToken }));
    expect(names(second)).toEqual(['b-1']);
    expect(second.NextToken).toBeUndefined();

    expect(names(await emu.client.send(new ListEndpointsCommand({ HomeRegion: westRegion })))).toEqual(['w-1']);
    expect(names(await emu.client.send(new ListEndpointsCommand({ HomeRegion: 'eu-north-1' })))).toEqual([]);
    expect((await emu.client.send(new DescribeEndpointCommand({ Name: 'w-1', HomeRegion: westRegion }))).Arn).toBe(endpointArn('w-1', westRegion));
    await expectAwsError(describeEp('w-1'), 'ResourceNotFoundException', 'Endpoint w-1 does not exist.');
  });

  test('update: Description alone stays ACTIVE, routing changes go through UPDATING, transitions refuse changes', async () => {
    await emu.client.send(new CreateEndpointCommand(endpointInput('upd')));
    await expectAwsError(emu.client.send(new UpdateEndpointCommand({ Name: 'upd', Description: 'early' })), 'ConcurrentModificationException', 'Endpoint upd is in state CREATING; try again once the operation in progress has finished.');
    await advance(2_000);
    const { EndpointId } = await describeEp('upd');

    const described = await emu.client.send(new UpdateEndpointCommand({ Name: 'upd', Description: 'now described' }));
    expect(described).toMatchObject({ Name: 'upd', Arn: endpointArn('upd'), EndpointId, EndpointUrl: `https://${EndpointId}.endpoint.events.amazonaws.com`, State: 'ACTIVE', ReplicationConfig: { State: 'DISABLED' } });
    expect((await describeEp('upd')).Description).toBe('now described');

    const rerouted = await emu.client.send(
      new UpdateEndpointCommand({ Name: 'upd', RoutingConfig: { FailoverConfig: { Primary: { HealthCheck: otherHealthCheck }, Secondary: { Route: westRegion } } } }),
    );
    expect(rerouted.State).toBe('UPDATING');
    expect(rerouted.RoutingConfig!.FailoverConfig!.Primary!.HealthCheck).toBe(otherHealthCheck);
    await expectAwsError(emu.client.send(new UpdateEndpointCommand({ Name: 'upd', Description: 'again' })), 'ConcurrentModificationException', /state UPDATING/);
    await expectAwsError(emu.client.send(new DeleteEndpointCommand({ Name: 'upd' })), 'ConcurrentModificationException', /state UPDATING/);
    await advance(2_000);
    const updated = await describeEp('upd');
    expect(updated).toMatchObject({ State: 'ACTIVE', Description: 'now described', EndpointId });
    expect(updated.LastModifiedTime!.getTime() - updated.CreationTime!.getTime()).toBe(4_000);

    // Invalid merged configurations are refused and change nothing.
    await expectAwsError(
      emu.client.send(new UpdateEndpointCommand({ Name: 'upd', EventBuses: [{ EventBusArn: busArn(east, 'orders') }, { EventBusArn: busArn(westRegion, 'other') }] })),
      'ValidationException',
      'Parameter EventBuses is not valid. Reason: The names of the event buses must be identical in each Region.',
    );
    await expectAwsError(emu.client.send(new UpdateEndpointCommand({ Name: 'upd', ReplicationConfig: { State: 'ENABLED' } })), 'ValidationException', /^Parameter RoleArn is not valid/);
    const withRole = await emu.client.send(new UpdateEndpointCommand({ Name: 'upd', ReplicationConfig: { State: 'ENABLED' }, RoleArn: role }));
    expect(withRole).toMatchObject({ State: 'UPDATING', ReplicationConfig: { State: 'ENABLED' }, RoleArn: role });
  });

  test('delete: DELETING for 2 virtual seconds, then gone; the name is taken until then', async () => {
    await emu.client.send(new CreateEndpointCommand(endpointInput('del')));
    await advance(2_000);
    const before = await describeEp('del');
    expect(await emu.client.send(new DeleteEndpointCommand({ Name: 'del' }))).toBeDefined();
    expect((await describeEp('del')).State).toBe('DELETING');
    await expectAwsError(emu.client.send(new CreateEndpointCommand(endpointInput('del'))), 'ResourceAlreadyExistsException', 'Endpoint del already exists.');
    await expectAwsError(emu.client.send(new DeleteEndpointCommand({ Name: 'del' })), 'ConcurrentModificationException', /state DELETING/);
    await advance(2_000);
    await expectAwsError(describeEp('del'), 'ResourceNotFoundException', 'Endpoint del does not exist.');
    expect((await emu.client.send(new ListEndpointsCommand({}))).Endpoints).toEqual([]);
    await emu.client.send(new CreateEndpointCommand(endpointInput('del')));
    expect((await describeEp('del')).EndpointId).not.toBe(before.EndpointId);
  });

  test('endpoints belong to one account', async () => {
    await emu.client.send(new CreateEndpointCommand(endpointInput('mine')));
    const other = emu.clientFor('111111111111');
    expect((await other.send(new ListEndpointsCommand({}))).Endpoints).toEqual([]);
    await expectAwsError(describeEp('mine', other), 'ResourceNotFoundException', 'Endpoint mine does not exist.');
  });
});

describe('control plane (aws CLI)', () => {
  test('create, describe, list, update, delete and their errors', async () => {
    const routing = JSON.stringify({ FailoverConfig: { Primary: { HealthCheck: healthCheck }, Secondary: { Route: westRegion } } });
    const buses = JSON.stringify([{ EventBusArn: busArn(east, 'orders') }, { EventBusArn: busArn(westRegion, 'orders') }]);
    const create = ['create-endpoint', '--name', 'cli-ep', '--routing-config', routing, '--event-buses', buses, '--replication-config', 'State=ENABLED', '--role-arn', role];
    const created = await awsEvents(emu.url, create);
    expect(created.code).toBe(0);
    expect(created.json).toMatchObject({ Name: 'cli-ep', Arn: endpointArn('cli-ep'), State: 'CREATING', RoleArn: role, ReplicationConfig: { State: 'ENABLED' } });

    const dup = await awsEvents(emu.url, create);
    expect(dup.stderr).toContain('An error occurred (ResourceAlreadyExistsException) when calling the CreateEndpoint operation: Endpoint cli-ep already exists.');

    await advance(2_000);
    const described = await awsEvents(emu.url, ['describe-endpoint', '--name', 'cli-ep']);
    expect(described.json).toMatchObject({ Name: 'cli-ep', State: 'ACTIVE', EndpointUrl: `https://${described.json.EndpointId}.endpoint.events.amazonaws.com` });
    // CLI v1 prints timestamps as AWS sent them: epoch seconds.
    expect(described.json.CreationTime).toBe(emu.emulator.clock.now() / 1000 - 2);
    expect(described.json.LastModifiedTime).toBe(emu.emulator.clock.now() / 1000);

    const listed = await awsEvents(emu.url, ['list-endpoints', '--name-prefix', 'cli-', '--home-region', east, '--max-results', '5']);
    expect(listed.json.Endpoints.map((e: { Name: string }) => e.Name)).toEqual(['cli-ep']);

    const updated = await awsEvents(emu.url, ['update-endpoint', '--name', 'cli-ep', '--description', 'from the CLI']);
    expect(updated.json).toMatchObject({ Name: 'cli-ep', State: 'ACTIVE', EndpointId: described.json.EndpointId });

    const deleted = await awsEvents(emu.url, ['delete-endpoint', '--name', 'cli-ep']);
    expect(deleted.code).toBe(0);
    await advance(2_000);
    const missing = await awsEvents(emu.url, ['describe-endpoint', '--name', 'cli-ep']);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain('An error occurred (ResourceNotFoundException) when calling the DescribeEndpoint operation: Endpoint cli-ep does not exist.');

    const invalid = await awsEvents(emu.url, ['create-endpoint', '--name', 'cli-bad', '--routing-config', routing, '--event-buses', buses]);
    expect(invalid.stderr).toContain('(ValidationException) when calling the CreateEndpoint operation: Parameter RoleArn is not valid.');
  }, 240_000);
});

describe('PutEvents with EndpointId', () => {
  const signedFor = (region: string, accessKeyId = 'test') => ({
    Authorization: `AWS4-HMAC-SHA256 Credential=${accessKeyId}/20260101/${region}/events/aws4_request, SignedHeaders=host, Signature=x`,
  });

  async function put(endpointId: string, entries: object[], headers: Record<string, string> = signedFor('eu-central-1')) {
    return rawCall(emu.url, 'PutEvents', JSON.stringify({ EndpointId: endpointId, Entries: entries }), headers);
  }

  const order = (n: number, extra: object = {}) => ({ Source: 'shop', DetailType: 'Order', Detail: JSON.stringify({ n }), EventBusName: 'orders', ...extra });

  /** Bus `orders` in both Regions, each with a rule sending shop events to an SQS queue; the endpoint ACTIVE. */
  async function setUp(replication: 'ENABLED' | 'DISABLED') {
    for (const [client, region] of [[emu.client, east], [west, westRegion]] as const) {
      await client.send(new CreateEventBusCommand({ Name: 'orders' }));
      await client.send(new PutRuleCommand({ Name: 'shop', EventBusName: 'orders', EventPattern: '{"source":["shop"]}' }));
      await client.send(new PutTargetsCommand({ Rule: 'shop', EventBusName: 'orders', Targets: [{ Id: 'q', Arn: queue(region, 'orders') }] }));
    }
    await emu.client.send(new CreateEndpointCommand(endpointInput('orders-ep', { ReplicationConfig: { State: replication }, RoleArn: role })));
    await advance(2_000);
    return (await describeEp('orders-ep')).EndpointId!;
  }

  const received = async (region: string, name = 'orders') => (await captures(emu.url, queue(region, name))).map((c) => JSON.parse(c.payload));

  async function setHealth(healthy: boolean, arn = healthCheck) {
    const res = await fetch(`${emu.url}/_eventbridge-local/health-checks`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ healthCheckArn: arn, healthy }),
    });
    return { status: res.status, json: (await res.json()) as any };
  }

  test('goes to the primary while the health check is healthy, to the secondary while it is not, and back', async () => {
    const endpointId = await setUp('DISABLED');

    const first = await put(endpointId, [order(1)]);
    expect(first.status).toBe(200);
    expect(first.json.FailedEntryCount).toBe(0);
    expect(first.json.Entries[0].EventId).toEqual(expect.any(String));
    await advance(0);
    expect(await received(east)).toEqual([expect.objectContaining({ id: first.json.Entries[0].EventId, region: east, account, source: 'shop', resources: [], detail: { n: 1 } })]);
    expect(await received(westRegion)).toEqual([]);

    const flipped = await setHealth(false);
    expect(flipped).toEqual({ status: 200, json: { healthCheckArn: healthCheck, healthy: false, updatedAt: expect.any(String), endpoints: [{ arn: endpointArn('orders-ep'), endpointId }] } });
    const second = await put(endpointId, [order(2)]);
    await advance(0);
    expect((await received(westRegion)).map((e) => [e.id, e.region, e.detail.n])).toEqual([[second.json.Entries[0].EventId, westRegion, 2]]);
    expect(await received(east)).toHaveLength(1);

    await setHealth(true);
    await put(endpointId, [order(3)]);
    await advance(0);
    expect((await received(east)).map((e) => e.detail.n)).toEqual([1, 3]);
    expect(await received(westRegion)).toHaveLength(1);

    const listed = await inspect(emu.url, 'health-checks');
    expect(listed.healthChecks).toEqual([{ healthCheckArn: healthCheck, healthy: true, updatedAt: expect.any(String), endpoints: [{ arn: endpointArn('orders-ep'), endpointId }] }]);
  });

  test('with replication ENABLED the other Region gets a replica: new id, region it came from, endpoint ARN in resources', async () => {
    const endpointId = await setUp('ENABLED');
    const resource = 'arn:aws:dynamodb:us-east-1:000000000000:table/orders';
    const sent = await put(endpointId, [order(1, { Resources: [resource] })]);
    await advance(0);
    const [original] = await received(east);
    const [replica] = await received(westRegion);
    expect(original).toMatchObject({ id: sent.json.Entries[0].EventId, region: east, resources: [resource], detail: { n: 1 } });
    expect(replica).toMatchObject({ region: east, account, source: 'shop', 'detail-type': 'Order', resources: [resource, endpointArn('orders-ep')], detail: { n: 1 } });
    expect(replica.id).not.toBe(original.id);

    // During failover the secondary gets the event and the primary the replica.
    await setHealth(false);
    await put(endpointId, [order(2)]);
    await advance(0);
    expect((await received(westRegion)).map((e) => [e.detail.n, e.region, e.resources])).toEqual([
      [1, east, [resource, endpointArn('orders-ep')]],
      [2, westRegion, []],
    ]);
    expect((await received(east)).map((e) => [e.detail.n, e.region, e.resources])).toEqual([
      [1, east, [resource]],
      [2, westRegion, [endpointArn('orders-ep')]],
    ]);
  });

  test('entries name their bus: an endpoint bus ARN follows failover, no EventBusName means the default bus, failures stay per entry', async () => {
    const endpointId = await setUp('DISABLED');
    for (const [client, region] of [[emu.client, east], [west, westRegion]] as const) {
      await client.send(new PutRuleCommand({ Name: 'shop-default', EventPattern: '{"source":["shop"]}' }));
      await client.send(new PutTargetsCommand({ Rule: 'shop-default', Targets: [{ Id: 'q', Arn: queue(region, 'default') }] }));
    }
    await setHealth(false);
    const res = await put(endpointId, [
      order(1, { EventBusName: busArn(east, 'orders') }),
      order(2, { EventBusName: undefined }),
      { Source: 'shop', DetailType: 'Order', EventBusName: 'orders' },
    ]);
    expect(res.json.FailedEntryCount).toBe(1);
    expect(res.json.Entries[2]).toEqual({ ErrorCode: 'InvalidArgument', ErrorMessage: 'Parameter Detail is not valid. Reason: Detail is a required argument.' });
    await advance(0);
    expect((await received(westRegion)).map((e) => e.detail.n)).toEqual([1]);
    expect((await received(westRegion, 'default')).map((e) => [e.detail.n, e.region])).toEqual([[2, westRegion]]);
    expect(await received(east)).toEqual([]);
    expect(await received(east, 'default')).toEqual([]);
  });

  test('an unknown EndpointId, another account\'s endpoint or one not ready is a ValidationException', async () => {
    await expectRaw(put('nothere000.veo', [order(1)]), 'Parameter EndpointId is not valid. Reason: No endpoint with EndpointId nothere000.veo exists in account 000000000000.');

    await emu.client.send(new CreateEndpointCommand(endpointInput('young')));
    const { EndpointId } = await describeEp('young');
    await expectRaw(put(EndpointId!, [order(1)]), 'Parameter EndpointId is not valid. Reason: Endpoint young cannot receive events in state CREATING.');
    await advance(2_000);
    expect((await put(EndpointId!, [order(1)])).json.FailedEntryCount).toBe(0);
    await expectRaw(put(EndpointId!, [order(1)], signedFor(east, '111111111111')), `Parameter EndpointId is not valid. Reason: No endpoint with EndpointId ${EndpointId} exists in account 111111111111.`);

    await emu.client.send(new DeleteEndpointCommand({ Name: 'young' }));
    await expectRaw(put(EndpointId!, [order(1)]), 'Parameter EndpointId is not valid. Reason: Endpoint young cannot receive events in state DELETING.');

    const malformed = await put('no-dot', [order(1)]);
    expect(malformed.status).toBe(400);
    expect(malformed.json.message).toMatch(/^1 validation error detected: Value 'no-dot' at 'endpointId' failed to satisfy constraint: Member must satisfy regular expression pattern/);
  });

  async function expectRaw(call: ReturnType<typeof put>, message: string) {
    const res = await call;
    expect(res.status).toBe(400);
    expect(res.json).toEqual({ __type: 'ValidationException', message });
  }

  test('a SigV4a-signed request (what SDKs with CRT send) is routed for the default account', async () => {
    const endpointId = await setUp('DISABLED');
    const res = await put(endpointId, [order(7)], {
      Authorization: 'AWS4-ECDSA-P256-SHA256 Credential=test/20260101/events/aws4_request, SignedHeaders=host;x-amz-region-set, Signature=3045',
      'X-Amz-Region-Set': '*',
    });
    expect(res.json.FailedEntryCount).toBe(0);
    await advance(0);
    expect((await received(east)).map((e) => e.detail.n)).toEqual([7]);
  });

  test('the health-check admin endpoint validates its body, lists endpoint health checks, and forgets on reset', async () => {
    expect((await setHealth(false, 'arn:aws:route53:::hostedzone/Z1')).status).toBe(400);
    const notBoolean = await fetch(`${emu.url}/_eventbridge-local/health-checks`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ healthCheckArn: healthCheck, healthy: 'no' }),
    });
    expect(notBoolean.status).toBe(400);
    expect((await inspect(emu.url, 'health-checks')).healthChecks).toEqual([]);

    await emu.client.send(new CreateEndpointCommand(endpointInput('watched')));
    await setHealth(false, otherHealthCheck);
    const { healthChecks } = await inspect(emu.url, 'health-checks');
    expect(healthChecks).toEqual([
      { healthCheckArn: otherHealthCheck, healthy: false, updatedAt: expect.any(String), endpoints: [] },
      { healthCheckArn: healthCheck, healthy: true, endpoints: [{ arn: endpointArn('watched'), endpointId: expect.stringMatching(/\.veo$/) }] },
    ]);

    await reset(emu.url);
    expect((await inspect(emu.url, 'health-checks')).healthChecks).toEqual([]);
  });
});

test('endpoints and health-check statuses survive a restart', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'ebl-endpoints-'));
  const first = await startEmulator({ dataDir, clock: frozenClock() });
  await first.client.send(new CreateEndpointCommand(endpointInput('kept')));
  await fetch(`${first.url}/_eventbridge-local/health-checks`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ healthCheckArn: healthCheck, healthy: false }),
  });
  const before = await first.client.send(new DescribeEndpointCommand({ Name: 'kept' }));
  await first.close();

  const second = await startEmulator({ dataDir, clock: frozenClock() });
  try {
    const after = await second.client.send(new DescribeEndpointCommand({ Name: 'kept' }));
    expect(after).toMatchObject({ EndpointId: before.EndpointId, State: 'CREATING' });
    second.emulator.clock.advance(2_000);
    expect((await second.client.send(new DescribeEndpointCommand({ Name: 'kept' }))).State).toBe('ACTIVE');
    expect((await inspect(second.url, 'health-checks')).healthChecks[0]).toMatchObject({ healthCheckArn: healthCheck, healthy: false });
  } finally {
    await second.close();
  }
});
