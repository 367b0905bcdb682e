/**
 * API destinations through the SDK: Create/Describe/List/Update/Delete with the answers
 * recorded on AWS (LocalStack snapshots, aws-facts §6.1), validation, ApiDestinationState
 * following the connection (with its events), PutTargets accepting an existing destination,
 * and the --strict mode that refuses http:// as AWS does.
 */
import {
  CreateApiDestinationCommand,
  DeauthorizeConnectionCommand,
  DeleteApiDestinationCommand,
  DeleteConnectionCommand,
  DescribeApiDestinationCommand,
  DescribeConnectionCommand,
  ListApiDestinationsCommand,
  PutRuleCommand,
  PutTargetsCommand,
  UpdateApiDestinationCommand,
  UpdateConnectionCommand,
  CreateConnectionCommand,
} from '@aws-sdk/client-eventbridge';
import { configFromArgs, usage } from '../../src/config.js';
import { expectAwsError, rawCall, startEmulator, type Running } from '../helpers/emulator.js';
import { captures, reset } from '../helpers/inspect.js';
import { basicConnection, createDestination, roleArn } from '../helpers/apiDestinations.js';

let emu: Running;
beforeAll(async () => {
  emu = await startEmulator();
});
afterAll(() => emu.close());
beforeEach(() => reset(emu.url));

const uuid = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const describeDest = (Name: string) => emu.client.send(new DescribeApiDestinationCommand({ Name }));

describe('Create, Describe, List, Update, Delete', () => {
  test('the recorded lifecycle: default rate 300, List without Description, Delete answers {}', async () => {
    const conn = await basicConnection(emu);
    const created = await emu.client.send(
      new CreateApiDestinationCommand({ Name: 'orders', Description: 'Test API destination', ConnectionArn: conn, InvocationEndpoint: 'https://example.com/api', HttpMethod: 'POST' }),
    );
    expect(created.ApiDestinationArn).toMatch(new RegExp(`^arn:aws:events:us-east-1:000000000000:api-destination/orders/${uuid}$`));
    expect(created.ApiDestinationState).toBe('ACTIVE');
    expect(created.CreationTime).toBeInstanceOf(Date);
    const described = await describeDest('orders');
    expect(described).toMatchObject({
      ApiDestinationArn: created.ApiDestinationArn,
      Name: 'orders',
      Description: 'Test API destination',
      ApiDestinationState: 'ACTIVE',
      ConnectionArn: conn,
      InvocationEndpoint: 'https://example.com/api',
      HttpMethod: 'POST',
      InvocationRateLimitPerSecond: 300,
    });
    const listed = await emu.client.send(new ListApiDestinationsCommand({}));
    expect(Object.keys(listed.ApiDestinations![0]).sort()).toEqual(
      ['ApiDestinationArn', 'ApiDestinationState', 'ConnectionArn', 'CreationTime', 'HttpMethod', 'InvocationEndpoint', 'InvocationRateLimitPerSecond', 'LastModifiedTime', 'Name'].sort(),
    );

    const updated = await emu.client.send(
      new UpdateApiDestinationCommand({ Name: 'orders', Description: 'Updated API destination', InvocationEndpoint: 'https://example.com/api/v2', HttpMethod: 'PUT', InvocationRateLimitPerSecond: 10 }),
    );
    expect(updated.ApiDestinationArn).toBe(created.ApiDestinationArn);
    expect(await describeDest('orders')).toMatchObject({ Description: 'Updated API destination', InvocationEndpoint: 'https://example.com/api/v2', HttpMethod: 'PUT', InvocationRateLimitPerSecond: 10 });

    const deleted = await rawCall(emu.url, 'DeleteApiDestination', JSON.stringify({ Name: 'orders' }));
    expect(deleted.status).toBe(200);
    await expectAwsError(describeDest('orders'), 'ResourceNotFoundException', "Failed to describe the api-destination(s). An api-destination 'orders' does not exist.");
  });

  test('validation: name, method (no CONNECT or TRACE), connection ARN and rate from the model; semantic checks', async () => {
    const conn = await basicConnection(emu);
    const create = (input: Record<string, unknown>) =>
      rawCall(emu.url, 'CreateApiDestination', JSON.stringify({ Name: 'd', ConnectionArn: conn, InvocationEndpoint: 'https://example.com', HttpMethod: 'POST', ...input }));
    expect((await create({ Name: 'Invalid Name With Spaces!' })).json.message).toBe(
      "1 validation error detected: Value 'Invalid Name With Spaces!' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_A-Za-z0-9]+",
    );
    expect((await create({ Name: 'x'.repeat(65) })).json.message).toMatch(/at 'name' failed to satisfy constraint: Member must have length less than or equal to 64$/);
    for (const method of ['CONNECT', 'TRACE']) {
      expect((await create({ HttpMethod: method })).json.message).toBe(
        `1 validation error detected: Value '${method}' at 'httpMethod' failed to satisfy constraint: Member must satisfy enum value set: [HEAD, POST, PATCH, DELETE, PUT, GET, OPTIONS]`,
      );
    }
    expect((await create({ ConnectionArn: 'invalid-connection-arn', HttpMethod: 'INVALID_METHOD' })).json.message).toBe(
      "2 validation errors detected: Value 'invalid-connection-arn' at 'connectionArn' failed to satisfy constraint: Member must satisfy regular expression pattern: ^arn:aws([a-z]|\\-)*:events:([a-z]|\\d|\\-)*:([0-9]{12})?:connection\\/[\\.\\-_A-Za-z0-9]+\\/[\\-A-Za-z0-9]+$; Value 'INVALID_METHOD' at 'httpMethod' failed to satisfy constraint: Member must satisfy enum value set: [HEAD, POST, PATCH, DELETE, PUT, GET, OPTIONS]",
    );
    expect((await create({ InvocationRateLimitPerSecond: 0 })).json.message).toBe(
      "1 validation error detected: Value '0' at 'invocationRateLimitPerSecond' failed to satisfy constraint: Member must have value greater than or equal to 1",
    );
    expect((await create({ InvocationEndpoint: 'ftp://example.com/x' })).json).toEqual({
      __type: 'ValidationException',
      message: 'Parameter InvocationEndpoint is not valid. Reason: the URL must use HTTPS.',
    });
    expect((await create({ ConnectionArn: conn.replace(/[0-9a-f]{12}$/, '000000000000') })).json).toEqual({
      __type: 'ResourceNotFoundException',
      message: "Failed to describe the connection(s). Connection 'basic' does not exist.",
    });
    await createDestination(emu, 'dup', conn, 'https://example.com');
    await expectAwsError(createDestination(emu, 'dup', conn, 'https://example.com'), 'ResourceAlreadyExistsException', "An api-destination 'dup' already exists.");
    await expectAwsError(emu.client.send(new UpdateApiDestinationCommand({ Name: 'nope' })), 'ResourceNotFoundException', "Failed to update the api-destination(s). An api-destination 'nope' does not exist.");
    await expectAwsError(emu.client.send(new DeleteApiDestinationCommand({ Name: 'nope' })), 'ResourceNotFoundException', "Failed to delete the api-destination(s). An api-destination 'nope' does not exist.");
  });

  test('ListApiDestinations: NamePrefix, ConnectionArn, pagination', async () => {
    const c1 = await basicConnection(emu, 'c1');
    const c2 = await basicConnection(emu, 'c2');
    for (const [name, conn] of [['a-1', c1], ['a-2', c2], ['a-3', c1], ['b-1', c1]] as const) await createDestination(emu, name, conn, 'https://example.com');
    const names = async (input: object) => (await emu.client.send(new ListApiDestinationsCommand(input))).ApiDestinations!.map((d) => d.Name);
    expect(await names({})).toEqual(['a-1', 'a-2', 'a-3', 'b-1']);
    expect(await names({ NamePrefix: 'a-' })).toEqual(['a-1', 'a-2', 'a-3']);
    expect(await names({ ConnectionArn: c2 })).toEqual(['a-2']);
    const page1 = await emu.client.send(new ListApiDestinationsCommand({ Limit: 3 }));
    expect(page1.ApiDestinations!.map((d) => d.Name)).toEqual(['a-1', 'a-2', 'a-3']);
    const page2 = await emu.client.send(new ListApiDestinationsCommand({ Limit: 3, NextToken: page1.NextToken }));
    expect([page2.ApiDestinations!.map((d) => d.Name), page2.NextToken]).toEqual([['b-1'], undefined]);
  });

  test('http:// endpoints are accepted (local servers), unlike AWS; any method but CONNECT and TRACE', async () => {
    const conn = await basicConnection(emu);
    for (const method of ['POST', 'GET', 'HEAD', 'OPTIONS', 'PUT', 'PATCH', 'DELETE']) {
      await createDestination(emu, `m-${method}`, conn, 'http://127.0.0.1:8080/hook', method);
      expect((await describeDest(`m-${method}`)).HttpMethod).toBe(method);
    }
  });
});

describe('ApiDestinationState follows the connection', () => {
  const events = 'arn:aws:sqs:us-east-1:000000000000:destination-events';

  test('INACTIVE while the connection is not authorized; Activated / Deactivated events on the default bus', async () => {
    await emu.client.send(new PutRuleCommand({ Name: 'dest-events', EventPattern: JSON.stringify({ source: ['aws.events'], 'detail-type': [{ prefix: 'API Destination' }] }) }));
    await emu.client.send(new PutTargetsCommand({ Rule: 'dest-events', Targets: [{ Id: 'q', Arn: events }] }));
    const conn = await basicConnection(emu, 'crm', 'user', 'p');
    const dest = await createDestination(emu, 'orders', conn, 'https://example.com');
    await emu.client.send(new DeauthorizeConnectionCommand({ Name: 'crm' }));
    expect((await describeDest('orders')).ApiDestinationState).toBe('INACTIVE');
    await emu.client.send(new UpdateConnectionCommand({ Name: 'crm', AuthParameters: { BasicAuthParameters: { Username: 'u', Password: 'p2' } } }));
    expect((await describeDest('orders')).ApiDestinationState).toBe('ACTIVE');
    await emu.client.send(new DeleteConnectionCommand({ Name: 'crm' }));
    expect((await describeDest('orders')).ApiDestinationState).toBe('INACTIVE');
    await emu.emulator.engine.idle();
    const seen = (await captures(emu.url, events)).map((c) => JSON.parse(c.payload));
    expect(seen.map((e) => e['detail-type'])).toEqual(['API Destination Deactivated', 'API Destination Activated', 'API Destination Deactivated']);
    expect(seen[0]).toMatchObject({ source: 'aws.events', resources: [dest], detail: { ApiDestinationName: 'orders', Timestamp: expect.stringMatching(/ \+0000 UTC$/) } });
  });

  test('created on an OAuth connection whose token exchange failed: INACTIVE (recorded on AWS while AUTHORIZING)', async () => {
    await emu.client.send(
      new CreateConnectionCommand({
        Name: 'oauth',
        AuthorizationType: 'OAUTH_CLIENT_CREDENTIALS',
        AuthParameters: { OAuthParameters: { ClientParameters: { ClientID: 'c', ClientSecret: 's' }, AuthorizationEndpoint: 'http://127.0.0.1:1/token', HttpMethod: 'POST' } },
      }),
    );
    const connection = await emu.client.send(new DescribeConnectionCommand({ Name: 'oauth' }));
    expect(connection.ConnectionState).toBe('DEAUTHORIZED');
    const arn = connection.ConnectionArn!;
    const created = await emu.client.send(new CreateApiDestinationCommand({ Name: 'd', ConnectionArn: arn, InvocationEndpoint: 'https://example.com', HttpMethod: 'POST' }));
    expect(created.ApiDestinationState).toBe('INACTIVE');
  });
});

describe('PutTargets and API destinations', () => {
  test('an existing API destination is accepted; a missing or stale one fails per entry', async () => {
    const conn = await basicConnection(emu);
    const dest = await createDestination(emu, 'orders', conn, 'https://example.com');
    await emu.client.send(new PutRuleCommand({ Name: 'r', EventPattern: '{"source":["shop"]}' }));
    const missing = dest.replace('/orders/', '/missing/');
    const res = await emu.client.send(
      new PutTargetsCommand({
        Rule: 'r',
        Targets: [
          { Id: 'ok', Arn: dest, RoleArn: roleArn },
          { Id: 'missing', Arn: missing, RoleArn: roleArn },
        ],
      }),
    );
    expect(res.FailedEntryCount).toBe(1);
    expect(res.FailedEntries).toEqual([{ TargetId: 'missing', ErrorCode: 'ResourceNotFoundException', ErrorMessage: "An api-destination 'missing' does not exist." }]);

    // Deleted and created again under the same name: a new uuid, so the old ARN names nothing.
    await emu.client.send(new DeleteApiDestinationCommand({ Name: 'orders' }));
    await createDestination(emu, 'orders', conn, 'https://example.com');
    const stale = await emu.client.send(new PutTargetsCommand({ Rule: 'r', Targets: [{ Id: 'stale', Arn: dest, RoleArn: roleArn }] }));
    expect(stale.FailedEntryCount).toBe(1);
  });
});

describe('--strict', () => {
  test('refuses http:// invocation and authorization endpoints, as AWS requires HTTPS', async () => {
    const strict = await startEmulator({ strict: true });
    try {
      const conn = await basicConnection(strict);
      await expectAwsError(
        createDestination(strict, 'd', conn, 'http://127.0.0.1:8080/hook'),
        'ValidationException',
        'Parameter InvocationEndpoint is not valid. Reason: the URL must use HTTPS (eventbridge-local runs with --strict).',
      );
      await createDestination(strict, 'd', conn, 'https://example.com/hook');
      await expectAwsError(strict.client.send(new UpdateApiDestinationCommand({ Name: 'd', InvocationEndpoint: 'http://example.com' })), 'ValidationException');
      await expectAwsError(
        strict.client.send(
          new CreateConnectionCommand({
            Name: 'o',
            AuthorizationType: 'OAUTH_CLIENT_CREDENTIALS',
            AuthParameters: { OAuthParameters: { ClientParameters: { ClientID: 'c', ClientSecret: 's' }, AuthorizationEndpoint: 'http://127.0.0.1:1/token', HttpMethod: 'POST' } },
          }),
        ),
        'ValidationException',
        'Parameter AuthParameters.OAuthParameters.AuthorizationEndpoint is not valid. Reason: the URL must use HTTPS (eventbridge-local runs with --strict).',
      );
    } finally {
      await strict.close();
    }
  });

  test('the flag and EVENTBRIDGE_LOCAL_STRICT set config.strict; off by default', () => {
    expect(configFromArgs([], {}).strict).toBe(false);
    expect(configFromArgs(['--strict'], {}).strict).toBe(true);
    expect(configFromArgs([], { EVENTBRIDGE_LOCAL_STRICT: '1' }).strict).toBe(true);
    expect(configFromArgs([], { EVENTBRIDGE_LOCAL_STRICT: 'true' }).strict).toBe(true);
    expect(usage).toContain('--strict');
  });
});
