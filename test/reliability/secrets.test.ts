/**
 * Secrets (issue 10, part 5): the secret values of every connection type — Basic password,
 * API key value, OAuth client secret, parameters marked IsValueSecret (OAuth and invocation
 * parameters, header / query / body) — never appear in an API response (results and errors,
 * validation messages included), a log line at any level, or the inspection API, through the
 * whole life of a connection: create, describe, list, update, deliveries (with failures,
 * retries, dead letters and de-authorization), deauthorize, delete. The state file may hold
 * them, readable by its owner only (0600).
 */
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { rawCall, startEmulator, type Running } from '../helpers/emulator.js';
import { startHttpSink, type HttpSink } from '../helpers/httpSink.js';

const secret = (name: string) => `S3CRET-${name}-${Math.random().toString(36).slice(2, 10)}`;
const secrets = {
  basicPassword: secret('basic-password'),
  apiKeyValue: secret('api-key-value'),
  oauthClientSecret: secret('oauth-client-secret'),
  oauthHeader: secret('oauth-header'),
  oauthQuery: secret('oauth-query'),
  oauthBody: secret('oauth-body'),
  invocationHeader: secret('invocation-header'),
  invocationQuery: secret('invocation-query'),
  invocationBody: secret('invocation-body'),
  rotatedPassword: secret('rotated-password'),
  rotatedApiKey: secret('rotated-api-key'),
  rotatedClientSecret: secret('rotated-client-secret'),
  // Too long for the model: the ValidationException must not echo a sensitive value.
  overlongPassword: secret('overlong-password') + 'p'.repeat(600),
};
const secretValues = Object.values(secrets);

const roleArn = 'arn:aws:iam::000000000000:role/invoke';
const dlqArn = 'arn:aws:sqs:us-east-1:000000000000:secrets-dlq';
const logLines: string[] = [];
const responses: string[] = [];
let emu: Running;
let api: HttpSink;
let dataDir: string;

async function call(target: string, input: object) {
  const res = await rawCall(emu.url, target, JSON.stringify(input));
  responses.push(`${target} ${res.status} ${JSON.stringify([...res.headers])} ${res.text}`);
  return res;
}

const invocationParameters = {
  HeaderParameters: [{ Key: 'x-inv-secret', Value: secrets.invocationHeader, IsValueSecret: true }],
  QueryStringParameters: [{ Key: 'invq', Value: secrets.invocationQuery, IsValueSecret: true }],
  BodyParameters: [{ Key: 'invb', Value: secrets.invocationBody, IsValueSecret: true }],
};

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'ebl-secrets-'));
  emu = await startEmulator({ dataDir, logLevel: 'debug', logSink: (line) => logLines.push(line) });
  api = await startHttpSink();
  api.fallback = (req) =>
    req.path === '/token'
      ? { status: 200, body: JSON.stringify({ access_token: 'tok', expires_in: 3600 }) }
      : req.path.startsWith('/unauthorized')
        ? { status: 401, body: '{}' }
        : req.path.startsWith('/flaky')
          ? { status: 503, body: '{}' }
          : { status: 200, body: '{}' };
});

afterAll(async () => {
  await emu?.close();
  await api?.close();
});

test('no secret value leaks through responses, logs, the inspection API or exported views', async () => {
  const basic = await call('CreateConnection', {
    Name: 'basic', AuthorizationType: 'BASIC',
    AuthParameters: { BasicAuthParameters: { Username: 'u', Password: secrets.basicPassword }, InvocationHttpParameters: invocationParameters },
  });
  const apiKey = await call('CreateConnection', {
    Name: 'api-key', AuthorizationType: 'API_KEY',
    AuthParameters: { ApiKeyAuthParameters: { ApiKeyName: 'x-api-key', ApiKeyValue: secrets.apiKeyValue }, InvocationHttpParameters: invocationParameters },
  });
  const oauth = await call('CreateConnection', {
    Name: 'oauth', AuthorizationType: 'OAUTH_CLIENT_CREDENTIALS',
    AuthParameters: {
      OAuthParameters: {
        ClientParameters: { ClientID: 'client', ClientSecret: secrets.oauthClientSecret },
        AuthorizationEndpoint: `${api.url}/token`, HttpMethod: 'POST',
        OAuthHttpParameters: {
          HeaderParameters: [{ Key: 'x-oauth-secret', Value: secrets.oauthHeader, IsValueSecret: true }],
          QueryStringParameters: [{ Key: 'oq', Value: secrets.oauthQuery, IsValueSecret: true }],
          BodyParameters: [{ Key: 'ob', Value: secrets.oauthBody, IsValueSecret: true }],
        },
      },
      InvocationHttpParameters: invocationParameters,
    },
  });
  for (const res of [basic, apiKey, oauth]) expect(res.status).toBe(200);
  const refused = await call('CreateConnection', {
    Name: 'too-long', AuthorizationType: 'BASIC', AuthParameters: { BasicAuthParameters: { Username: 'u', Password: secrets.overlongPassword } },
  });
  expect(refused.status).toBe(400);

  // Each connection behind an API destination; events that succeed, fail with 401 (de-authorizes), and retry then dead-letter.
  const connections = { basic: basic.json.ConnectionArn, 'api-key': apiKey.json.ConnectionArn, oauth: oauth.json.ConnectionArn };
  for (const [name, arn] of Object.entries(connections)) {
    for (const path of ['ok', 'flaky', 'unauthorized']) {
      const dest = await call('CreateApiDestination', { Name: `${name}-${path}`, ConnectionArn: arn, InvocationEndpoint: `${api.url}/${path}/${name}`, HttpMethod: 'POST' });
      expect(dest.status).toBe(200);
      await call('PutRule', { Name: `${name}-${path}`, EventPattern: JSON.stringify({ source: ['secrets'] }) });
      await call('PutTargets', {
        Rule: `${name}-${path}`,
        Targets: [{ Id: 't', Arn: dest.json.ApiDestinationArn, RoleArn: roleArn, RetryPolicy: { MaximumRetryAttempts: 1 }, DeadLetterConfig: { Arn: dlqArn } }],
      });
    }
  }
  await call('PutEvents', { Entries: [{ Source: 'secrets', DetailType: 'd', Detail: '{"n":1}' }] });
  for (let i = 0; i < 5; i++) {
    emu.emulator.clock.advance(10 * 60_000);
    await emu.emulator.engine.idle();
  }
  // The secrets did reach the API (so the scan below is meaningful) ...
  const sent = api.requests.map((r) => `${r.url} ${JSON.stringify(r.headers)} ${r.body}`).join('\n');
  for (const value of [secrets.apiKeyValue, secrets.oauthClientSecret, secrets.invocationHeader, secrets.invocationQuery, secrets.invocationBody]) expect(sent).toContain(value);

  // ... and every read path, then updates, deauthorization, deletion.
  for (const name of Object.keys(connections)) await call('DescribeConnection', { Name: name });
  await call('ListConnections', {});
  await call('ListApiDestinations', {});
  for (const name of Object.keys(connections)) await call('DescribeApiDestination', { Name: `${name}-ok` });
  await call('UpdateConnection', { Name: 'basic', AuthParameters: { BasicAuthParameters: { Username: 'u2', Password: secrets.rotatedPassword } } });
  await call('UpdateConnection', { Name: 'api-key', AuthParameters: { ApiKeyAuthParameters: { ApiKeyName: 'x-api-key', ApiKeyValue: secrets.rotatedApiKey } } });
  await call('UpdateConnection', { Name: 'oauth', AuthParameters: { OAuthParameters: { ClientParameters: { ClientID: 'c2', ClientSecret: secrets.rotatedClientSecret } } } });
  await call('UpdateConnection', { Name: 'basic', AuthParameters: { BasicAuthParameters: { Username: 'u3', Password: secrets.overlongPassword } } });
  await call('DeauthorizeConnection', { Name: 'api-key' });
  for (const name of Object.keys(connections)) await call('DescribeConnection', { Name: name });
  await call('PutEvents', { Entries: [{ Source: 'secrets', DetailType: 'd', Detail: '{"n":2}' }] });
  emu.emulator.clock.advance(60 * 60_000);
  await emu.emulator.engine.idle();

  // The inspection API and the dashboard's views (whatever of them exists: 404s are skipped).
  const inspection: string[] = [];
  for (const path of ['health', 'events', 'deliveries', 'captures', 'dead-letters', 'clock', 'webhooks', 'health-checks', 'resources', 'activity/events', 'activity/deliveries']) {
    const res = await fetch(`${emu.url}/_eventbridge-local/${path}?limit=1000`);
    if (res.status === 404) continue;
    inspection.push(`${path} ${res.status} ${await res.text()}`);
  }
  expect(inspection.join('\n')).toContain('"attempts"'); // deliveries were listed, with their requests

  await call('DeleteConnection', { Name: 'oauth' });
  await emu.emulator.store.flush();

  const scanned = { responses: responses.join('\n'), logs: logLines.join('\n'), inspection: inspection.join('\n') };
  const hits = Object.entries(scanned).flatMap(([where, text]) => secretValues.filter((v) => text.includes(v.slice(0, 40))).map((v) => `${where}: ${v.slice(0, 40)}`));
  // eslint-disable-next-line no-console
  console.log(
    `secrets: ${secretValues.length} values, scanned ${responses.length} API responses (${scanned.responses.length} chars), ` +
      `${logLines.length} log lines (${['debug', 'info', 'warn', 'error'].map((lvl) => `${lvl} ${logLines.filter((l) => l.includes(`"level":"${lvl}"`)).length}`).join(', ')}), ${inspection.length} inspection views (${scanned.inspection.length} chars): ${hits.length} hits`,
  );
  expect(hits).toEqual([]);
  // The emulator logs at info (events, delivery outcomes) and warn (de-authorization, drops); at
  // the time of writing it emits nothing at debug, so running at debug captures every line there is.
  expect(logLines.some((l) => l.includes('"level":"info"'))).toBe(true);
  expect(logLines.some((l) => l.includes('"level":"warn"'))).toBe(true);

  // The state on disk holds them (it must, to sign requests after a restart), owner-only: state.json
  // and the control-plane journal (state-<G>.journal), where a connection's changes go between compactions.
  const stateFiles = readdirSync(dataDir).filter((f) => f === 'state.json' || /^state-\d+\.journal$/.test(f)).map((f) => join(dataDir, f));
  expect(stateFiles.map((f) => basename(f))).toContain('state.json');
  for (const f of stateFiles) expect(statSync(f).mode & 0o777).toBe(0o600);
  expect(stateFiles.map((f) => readFileSync(f, 'utf8')).join('\n')).toContain(secrets.rotatedPassword);
}, 240_000);
