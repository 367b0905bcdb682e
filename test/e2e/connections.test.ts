/**
 * Connections end to end through the SDK (and the aws CLI where it reads secrets):
 * Create/Describe/List/Update/Deauthorize/Delete, validation, the state machine with its
 * state-change events on the default bus, OAuth authorization against a real token
 * endpoint, and no secret in any response, log line or inspection view.
 * Recorded AWS answers: LocalStack snapshots (aws-facts §2.3, §6).
 */
import { mkdtempSync, statSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateConnectionCommand,
  DeauthorizeConnectionCommand,
  DeleteConnectionCommand,
  DescribeConnectionCommand,
  ListConnectionsCommand,
  PutRuleCommand,
  PutTargetsCommand,
  UpdateConnectionCommand,
} from '@aws-sdk/client-eventbridge';
import { startEmulator, expectAwsError, rawCall, type Running } from '../helpers/emulator.js';
import { startHttpSink, type HttpSink } from '../helpers/httpSink.js';
import { captures, inspect, reset } from '../helpers/inspect.js';
import { awsEvents } from '../helpers/awsCli.js';
import { apiKeyConnection, basicConnection, createConnection, createDestination, oauthConnection, putShopEvent, ruleToDestination } from '../helpers/apiDestinations.js';

let emu: Running;
let tokens: HttpSink;
const logLines: string[] = [];
beforeAll(async () => {
  emu = await startEmulator({ logLevel: 'debug', logSink: (line) => logLines.push(line) });
  tokens = await startHttpSink();
});
afterAll(async () => {
  await emu.close();
  await tokens.close();
});
beforeEach(async () => {
  await reset(emu.url);
  tokens.clear();
  tokens.fallback = () => ({ status: 200, body: '{"access_token":"tok","expires_in":3600}' });
});

const uuid = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const describe_ = (Name: string) => emu.client.send(new DescribeConnectionCommand({ Name }));
const stateEvents = 'arn:aws:sqs:us-east-1:000000000000:connection-events';

/** A rule on the default bus for the connection (and API destination) state-change events. */
async function watchStateEvents(prefix = 'Connection') {
  await emu.client.send(new PutRuleCommand({ Name: 'state-events', EventPattern: JSON.stringify({ source: ['aws.events'], 'detail-type': [{ prefix }] }) }));
  await emu.client.send(new PutTargetsCommand({ Rule: 'state-events', Targets: [{ Id: 'q', Arn: stateEvents }] }));
}
async function stateEventsSeen(): Promise<any[]> {
  await emu.emulator.engine.idle();
  return (await captures(emu.url, stateEvents)).map((c) => JSON.parse(c.payload));
}

describe('Create, Describe, List', () => {
  test('a Basic connection: what Create and Describe answer, the ARN and the secret ARN', async () => {
    const res = await emu.client.send(
      new CreateConnectionCommand({ Name: 'crm', Description: 'CRM API', AuthorizationType: 'BASIC', AuthParameters: { BasicAuthParameters: { Username: 'user', Password: 'p4ss' } } }),
    );
    expect(res.ConnectionArn).toMatch(new RegExp(`^arn:aws:events:us-east-1:000000000000:connection/crm/${uuid}$`));
    expect(res.ConnectionState).toBe('AUTHORIZED');
    expect(res.CreationTime).toBeInstanceOf(Date);
    expect(res).not.toHaveProperty('LastAuthorizedTime');

    const d = await describe_('crm');
    expect(d).toMatchObject({
      ConnectionArn: res.ConnectionArn,
      Name: 'crm',
      Description: 'CRM API',
      ConnectionState: 'AUTHORIZED',
      AuthorizationType: 'BASIC',
      AuthParameters: { BasicAuthParameters: { Username: 'user' } },
    });
    expect(d.AuthParameters).toEqual({ BasicAuthParameters: { Username: 'user' } });
    expect(d.SecretArn).toMatch(new RegExp(`^arn:aws:secretsmanager:us-east-1:000000000000:secret:events!connection/crm/${uuid}-[a-z0-9]{6}$`));
    // The secret has its own uuid.
    expect(d.SecretArn!.split('/')[2].slice(0, 36)).not.toBe(res.ConnectionArn!.split('/')[2]);
    expect(d.LastAuthorizedTime).toBeInstanceOf(Date);
  });

  test('secrets never leave: Describe, List, the CLI, the inspection API and the log show keys, never secret values', async () => {
    const secrets = ['p4ss-basic', 'k3y-value', 'cl1ent-secret', 'h3ader-secret', 'q-secret', 'b0dy-secret', 'oauth-b0dy-secret'];
    const invocation = {
      InvocationHttpParameters: {
        HeaderParameters: [
          { Key: 'X-Secret', Value: 'h3ader-secret', IsValueSecret: true },
          { Key: 'X-Plain', Value: 'plain-value', IsValueSecret: false },
        ],
        QueryStringParameters: [{ Key: 'token', Value: 'q-secret', IsValueSecret: true }],
        BodyParameters: [{ Key: 'signature', Value: 'b0dy-secret', IsValueSecret: true }],
      },
    };
    await basicConnection(emu, 'basic', 'user', 'p4ss-basic', invocation);
    await apiKeyConnection(emu, 'keyed', 'x-api-key', 'k3y-value', invocation);
    await createConnection(emu, {
      Name: 'oauth',
      AuthorizationType: 'OAUTH_CLIENT_CREDENTIALS',
      AuthParameters: {
        OAuthParameters: {
          ClientParameters: { ClientID: 'client-id', ClientSecret: 'cl1ent-secret' },
          AuthorizationEndpoint: `${tokens.url}/token`,
          HttpMethod: 'POST',
          OAuthHttpParameters: { BodyParameters: [{ Key: 'password', Value: 'oauth-b0dy-secret', IsValueSecret: true }] },
        },
      },
    });
    const keyed = await describe_('keyed');
    expect(keyed.AuthParameters).toEqual({
      ApiKeyAuthParameters: { ApiKeyName: 'x-api-key' },
      InvocationHttpParameters: {
        HeaderParameters: [
          { Key: 'X-Secret', IsValueSecret: true },
          { Key: 'X-Plain', Value: 'plain-value', IsValueSecret: false },
        ],
        QueryStringParameters: [{ Key: 'token', IsValueSecret: true }],
        BodyParameters: [{ Key: 'signature', IsValueSecret: true }],
      },
    });
    const oauth = await describe_('oauth');
    expect(oauth.AuthParameters).toEqual({
      OAuthParameters: {
        ClientParameters: { ClientID: 'client-id' },
        AuthorizationEndpoint: `${tokens.url}/token`,
        HttpMethod: 'POST',
        OAuthHttpParameters: { BodyParameters: [{ Key: 'password', IsValueSecret: true }] },
      },
    });
    const cli = await awsEvents(emu.url, ['describe-connection', '--name', 'basic']);
    expect(cli.code).toBe(0);
    expect(cli.json.AuthParameters.BasicAuthParameters).toEqual({ Username: 'user' });
    const seen = [
      JSON.stringify(await describe_('basic')),
      JSON.stringify(keyed),
      JSON.stringify(oauth),
      JSON.stringify(await emu.client.send(new ListConnectionsCommand({}))),
      cli.stdout,
      (await awsEvents(emu.url, ['list-connections'])).stdout,
      JSON.stringify(await inspect(emu.url, 'events')),
      logLines.join('\n'),
    ].join('\n');
    for (const secret of secrets) expect(seen).not.toContain(secret);
    // The log did record these calls (the state-change events it routed), just not a secret.
    expect(logLines.some((line) => line.includes('"detailType":"Connection Authorized"'))).toBe(true);
  });

  test('validation: the model (recorded messages) and the semantic checks', async () => {
    const bad = await rawCall(emu.url, 'CreateConnection', JSON.stringify({ Name: 'x', AuthorizationType: 'INVALID_AUTH_TYPE', AuthParameters: {} }));
    expect(bad.json).toEqual({
      __type: 'ValidationException',
      message: "1 validation error detected: Value 'INVALID_AUTH_TYPE' at 'authorizationType' failed to satisfy constraint: Member must satisfy enum value set: [BASIC, OAUTH_CLIENT_CREDENTIALS, API_KEY]",
    });
    await expectAwsError(
      emu.client.send(new CreateConnectionCommand({ Name: 'Invalid Name With Spaces!', AuthorizationType: 'BASIC', AuthParameters: { BasicAuthParameters: { Username: 'u', Password: 'p' } } })),
      'ValidationException',
      "1 validation error detected: Value 'Invalid Name With Spaces!' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_A-Za-z0-9]+",
    );
    await expectAwsError(
      emu.client.send(new CreateConnectionCommand({ Name: 'x', AuthorizationType: 'BASIC', AuthParameters: { ApiKeyAuthParameters: { ApiKeyName: 'k', ApiKeyValue: 'v' } } })),
      'ValidationException',
      'AuthParameters.BasicAuthParameters is required for AuthorizationType BASIC.',
    );
    await expectAwsError(
      emu.client.send(
        new CreateConnectionCommand({
          Name: 'x',
          AuthorizationType: 'BASIC',
          AuthParameters: { BasicAuthParameters: { Username: 'u', Password: 'p' }, ApiKeyAuthParameters: { ApiKeyName: 'k', ApiKeyValue: 'v' } },
        }),
      ),
      'ValidationException',
      'AuthParameters may include only the parameters of AuthorizationType BASIC; remove ApiKeyAuthParameters.',
    );
    await basicConnection(emu, 'dup');
    await expectAwsError(basicConnection(emu, 'dup'), 'ResourceAlreadyExistsException', 'Connection dup already exists.');
    await expectAwsError(describe_('nope'), 'ResourceNotFoundException', "Failed to describe the connection(s). Connection 'nope' does not exist.");
    await expectAwsError(emu.client.send(new DeleteConnectionCommand({ Name: 'nope' })), 'ResourceNotFoundException', "Failed to delete the connection(s). Connection 'nope' does not exist.");
  });

  test('ListConnections: NamePrefix, ConnectionState, pagination; items without secrets or parameters', async () => {
    for (const name of ['a-1', 'a-2', 'a-3', 'b-1']) await basicConnection(emu, name);
    tokens.fallback = () => ({ status: 401 });
    await oauthConnection(emu, 'a-oauth', `${tokens.url}/token`);

    const all = await emu.client.send(new ListConnectionsCommand({}));
    expect(all.Connections!.map((c) => c.Name)).toEqual(['a-1', 'a-2', 'a-3', 'a-oauth', 'b-1']);
    expect(Object.keys(all.Connections![0]).sort()).toEqual(['AuthorizationType', 'ConnectionArn', 'ConnectionState', 'CreationTime', 'LastAuthorizedTime', 'LastModifiedTime', 'Name']);

    const prefixed = await emu.client.send(new ListConnectionsCommand({ NamePrefix: 'a-' }));
    expect(prefixed.Connections!.map((c) => c.Name)).toEqual(['a-1', 'a-2', 'a-3', 'a-oauth']);
    const deauthorized = await emu.client.send(new ListConnectionsCommand({ ConnectionState: 'DEAUTHORIZED' }));
    expect(deauthorized.Connections!.map((c) => [c.Name, c.StateReason])).toEqual([['a-oauth', 'Failed to obtain an OAuth token: the authorization endpoint answered HTTP 401.']]);

    const page1 = await emu.client.send(new ListConnectionsCommand({ Limit: 2 }));
    expect(page1.Connections!.map((c) => c.Name)).toEqual(['a-1', 'a-2']);
    const page2 = await emu.client.send(new ListConnectionsCommand({ Limit: 2, NextToken: page1.NextToken }));
    expect(page2.Connections!.map((c) => c.Name)).toEqual(['a-3', 'a-oauth']);
    const page3 = await emu.client.send(new ListConnectionsCommand({ Limit: 2, NextToken: page2.NextToken }));
    expect(page3.Connections!.map((c) => c.Name)).toEqual(['b-1']);
    expect(page3.NextToken).toBeUndefined();
  });
});

describe('the state machine and its events on the default bus', () => {
  const seenTypes = async () => (await stateEventsSeen()).map((e) => e['detail-type']);

  test('Basic: CREATING -> AUTHORIZING -> AUTHORIZED, each announced with AWS\'s event shape', async () => {
    await watchStateEvents();
    const arn = await basicConnection(emu, 'crm');
    const events = await stateEventsSeen();
    expect(events.map((e) => e['detail-type'])).toEqual(['Connection Creation Started', 'Connection Authorization Started', 'Connection Authorized']);
    expect(events[2]).toMatchObject({ version: '0', source: 'aws.events', account: '000000000000', region: 'us-east-1', resources: [arn] });
    expect(Object.keys(events[2].detail)).toEqual(['ConnectionName', 'Timestamp']);
    expect(events[2].detail.ConnectionName).toBe('crm');
    expect(events[2].detail.Timestamp).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \+0000 UTC$/);
  });

  test('OAuth: Create answers AUTHORIZING; the token exchange settles it before the next call', async () => {
    await watchStateEvents();
    const res = await emu.client.send(
      new CreateConnectionCommand({
        Name: 'oauth',
        AuthorizationType: 'OAUTH_CLIENT_CREDENTIALS',
        AuthParameters: { OAuthParameters: { ClientParameters: { ClientID: 'c', ClientSecret: 's' }, AuthorizationEndpoint: `${tokens.url}/token`, HttpMethod: 'POST' } },
      }),
    );
    expect(res.ConnectionState).toBe('AUTHORIZING');
    expect((await describe_('oauth')).ConnectionState).toBe('AUTHORIZED');
    expect(await seenTypes()).toEqual(['Connection Creation Started', 'Connection Authorization Started', 'Connection Authorized']);
  });

  test.each([
    ['an error status', () => ({ status: 400, body: '{"error":"invalid_client"}' }), 'Failed to obtain an OAuth token: the authorization endpoint answered HTTP 400.'],
    ['no access_token', () => ({ status: 200, body: '{"token_type":"Bearer"}' }), 'Failed to obtain an OAuth token: the authorization endpoint answered without an access_token.'],
  ])('OAuth token exchange failing (%s) -> DEAUTHORIZED with the reason', async (_what, answer, reason) => {
    await watchStateEvents();
    tokens.fallback = answer;
    await oauthConnection(emu, 'oauth', `${tokens.url}/token`);
    const d = await describe_('oauth');
    expect([d.ConnectionState, d.StateReason]).toEqual(['DEAUTHORIZED', reason]);
    const events = await stateEventsSeen();
    expect(events.map((e) => e['detail-type'])).toEqual(['Connection Creation Started', 'Connection Authorization Started', 'Connection Deauthorized']);
    expect(events[2].detail).toEqual({ ConnectionName: 'oauth', StateReason: reason, Timestamp: expect.any(String) });
  });

  test('an unreachable authorization endpoint de-authorizes too', async () => {
    await oauthConnection(emu, 'oauth', 'http://127.0.0.1:1/token');
    const d = await describe_('oauth');
    expect(d.ConnectionState).toBe('DEAUTHORIZED');
    expect(d.StateReason).toMatch(/^Failed to obtain an OAuth token: the authorization endpoint could not be reached \(.*ECONNREFUSED.*\)\.$/);
  });

  test('DeauthorizeConnection: DEAUTHORIZING -> DEAUTHORIZED, parameters and secret removed; an update with new ones re-authorizes', async () => {
    await basicConnection(emu, 'crm', 'user', 'p');
    const secretBefore = (await describe_('crm')).SecretArn;
    await watchStateEvents();
    const res = await emu.client.send(new DeauthorizeConnectionCommand({ Name: 'crm' }));
    expect(res.ConnectionState).toBe('DEAUTHORIZING');
    expect(res.LastAuthorizedTime).toBeInstanceOf(Date);
    const d = await describe_('crm');
    expect(d.ConnectionState).toBe('DEAUTHORIZED');
    expect(d.AuthParameters).toBeUndefined();
    expect(d.SecretArn).toBeUndefined();
    expect(await seenTypes()).toEqual(['Connection Deauthorization Started', 'Connection Deauthorized']);

    // Incomplete parameters cannot authorize.
    await expectAwsError(
      emu.client.send(new UpdateConnectionCommand({ Name: 'crm', AuthParameters: { BasicAuthParameters: { Password: 'new' } } })),
      'ValidationException',
      'AuthParameters.BasicAuthParameters.Username is required for AuthorizationType BASIC.',
    );
    const updated = await emu.client.send(new UpdateConnectionCommand({ Name: 'crm', AuthParameters: { BasicAuthParameters: { Username: 'user2', Password: 'new' } } }));
    expect(updated.ConnectionState).toBe('AUTHORIZED');
    const after = await describe_('crm');
    expect(after.AuthParameters).toEqual({ BasicAuthParameters: { Username: 'user2' } });
    expect(after.SecretArn).toMatch(/secret:events!connection\/crm\//);
    expect(after.SecretArn).not.toBe(secretBefore);
  });

  test('an update of the same type keeps it AUTHORIZED without re-authorizing; the new credentials are used', async () => {
    const api = await startHttpSink();
    try {
      const conn = await basicConnection(emu, 'crm', 'user', 'old');
      const dest = await createDestination(emu, 'd', conn, `${api.url}/x`);
      await ruleToDestination(emu, dest);
      await watchStateEvents();
      const res = await emu.client.send(new UpdateConnectionCommand({ Name: 'crm', AuthParameters: { BasicAuthParameters: { Username: 'new_user', Password: 'new' } } }));
      expect(res.ConnectionState).toBe('AUTHORIZED');
      expect((await describe_('crm')).AuthParameters).toEqual({ BasicAuthParameters: { Username: 'new_user' } });
      expect(await seenTypes()).toEqual(['Connection Update Started', 'Connection Authorized']);
      await putShopEvent(emu);
      await emu.emulator.engine.idle();
      expect(api.requests[0].headers.authorization).toBe(`Basic ${Buffer.from('new_user:new').toString('base64')}`);
    } finally {
      await api.close();
    }
  });

  test('parameters of another authorization type, without changing the type, have no effect', async () => {
    await basicConnection(emu, 'crm', 'user', 'p');
    const res = await emu.client.send(new UpdateConnectionCommand({ Name: 'crm', AuthParameters: { ApiKeyAuthParameters: { ApiKeyName: 'k', ApiKeyValue: 'v' } } }));
    expect(res.ConnectionState).toBe('AUTHORIZED');
    const d = await describe_('crm');
    expect([d.AuthorizationType, d.AuthParameters]).toEqual(['BASIC', { BasicAuthParameters: { Username: 'user' } }]);
  });

  test('changing the type with its parameters re-authorizes; changing it without them is refused', async () => {
    await basicConnection(emu, 'crm', 'user', 'p');
    await expectAwsError(
      emu.client.send(new UpdateConnectionCommand({ Name: 'crm', AuthorizationType: 'API_KEY' })),
      'ValidationException',
      'AuthParameters.ApiKeyAuthParameters.ApiKeyName is required for AuthorizationType API_KEY.',
    );
    await watchStateEvents();
    const res = await emu.client.send(
      new UpdateConnectionCommand({ Name: 'crm', AuthorizationType: 'OAUTH_CLIENT_CREDENTIALS', AuthParameters: { OAuthParameters: { ClientParameters: { ClientID: 'c', ClientSecret: 's' }, AuthorizationEndpoint: `${tokens.url}/t`, HttpMethod: 'GET' } } }),
    );
    expect(res.ConnectionState).toBe('AUTHORIZING');
    const d = await describe_('crm');
    expect([d.ConnectionState, d.AuthorizationType]).toEqual(['AUTHORIZED', 'OAUTH_CLIENT_CREDENTIALS']);
    expect(d.AuthParameters).toEqual({ OAuthParameters: { ClientParameters: { ClientID: 'c' }, AuthorizationEndpoint: `${tokens.url}/t`, HttpMethod: 'GET' } });
    expect(await seenTypes()).toEqual(['Connection Update Started', 'Connection Authorization Started', 'Connection Authorized']);
    // HttpMethod GET: the token request carries the form in its query string.
    expect(tokens.requests[0]).toMatchObject({ method: 'GET', body: '', query: { grant_type: 'client_credentials', client_id: 'c', client_secret: 's' } });
  });

  test('DeleteConnection answers DELETING; the connection is gone', async () => {
    await basicConnection(emu, 'crm');
    await watchStateEvents();
    const res = await emu.client.send(new DeleteConnectionCommand({ Name: 'crm' }));
    expect(res.ConnectionState).toBe('DELETING');
    await expectAwsError(describe_('crm'), 'ResourceNotFoundException', "Failed to describe the connection(s). Connection 'crm' does not exist.");
    expect(await seenTypes()).toEqual(['Connection Deletion Started']);
  });

  test('a connection to a private API (InvocationConnectivityParameters) ends ACTIVE', async () => {
    await watchStateEvents();
    const ResourceConfigurationArn = 'arn:aws:vpc-lattice:us-east-1:000000000000:resourceconfiguration/rcfg-0123456789abcdef0';
    await createConnection(emu, {
      Name: 'private',
      AuthorizationType: 'API_KEY',
      AuthParameters: { ApiKeyAuthParameters: { ApiKeyName: 'k', ApiKeyValue: 'v' } },
      InvocationConnectivityParameters: { ResourceParameters: { ResourceConfigurationArn } },
    });
    const d = await describe_('private');
    expect(d.ConnectionState).toBe('ACTIVE');
    expect(d.InvocationConnectivityParameters!.ResourceParameters).toEqual({
      ResourceConfigurationArn,
      ResourceAssociationArn: expect.stringMatching(/^arn:aws:vpc-lattice:us-east-1:000000000000:servicenetworkresourceassociation\/snra-[0-9a-f]{17}$/),
    });
    expect((await seenTypes()).at(-1)).toBe('Connection Activated');
    // An empty ResourceConfigurationArn switches it back to a public API, re-authorized.
    const res = await emu.client.send(new UpdateConnectionCommand({ Name: 'private', InvocationConnectivityParameters: { ResourceParameters: { ResourceConfigurationArn: '' } } }));
    expect(res.ConnectionState).toBe('AUTHORIZED');
    expect((await describe_('private')).InvocationConnectivityParameters).toBeUndefined();
  });
});

test('the state file keeps connections (secrets included) across a restart, readable by its owner only', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'ebl-connections-'));
  const first = await startEmulator({ dataDir });
  await basicConnection(first, 'kept', 'user', 'fil3-secret');
  await first.close();
  const file = join(dataDir, 'state.json');
  expect(statSync(file).mode & 0o777).toBe(0o600);
  expect(readFileSync(file, 'utf8')).toContain('fil3-secret');
  const second = await startEmulator({ dataDir });
  try {
    const d = await second.client.send(new DescribeConnectionCommand({ Name: 'kept' }));
    expect([d.ConnectionState, d.AuthParameters]).toEqual(['AUTHORIZED', { BasicAuthParameters: { Username: 'user' } }]);
  } finally {
    await second.close();
  }
});
