/**
 * The README's walk-through with the real aws CLI, as the spec describes the flow:
 * create-connection -> create-api-destination -> put-rule -> put-targets -> put-events,
 * and a local HTTP server receives the event. Then the rest of the connection and API
 * destination commands.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startEmulator, type Running } from '../helpers/emulator.js';
import { startHttpSink, type HttpSink } from '../helpers/httpSink.js';

/**
 * AWS CLI v1 fetches any parameter value that starts with http:// or https:// and sends
 * the page instead (`cli_follow_urlparam`, on by default in v1, off in v2): an
 * --invocation-endpoint would become the endpoint's content. The walk-through turns it off,
 * as the README tells v1 users to.
 */
const configDir = mkdtempSync(join(tmpdir(), 'ebl-cli-'));
const configFile = join(configDir, 'config');
writeFileSync(configFile, '[default]\ncli_follow_urlparam = false\n');

async function awsEvents(url: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string; json?: any }> {
  const env = {
    ...process.env,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test-secret',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_CONFIG_FILE: configFile,
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    AWS_PAGER: '',
    AWS_MAX_ATTEMPTS: '1',
  };
  try {
    const { stdout, stderr } = await promisify(execFile)('aws', ['events', ...args, '--endpoint-url', url, '--output', 'json'], { env });
    return { code: 0, stdout, stderr, json: stdout.trim() ? JSON.parse(stdout) : undefined };
  } catch (err: any) {
    return { code: err.code ?? 1, stdout: err.stdout ?? '', stderr: err.stderr ?? '' };
  }
}

let emu: Running;
let api: HttpSink;
beforeAll(async () => {
  emu = await startEmulator();
  api = await startHttpSink();
});
afterAll(async () => {
  await emu.close();
  await api.close();
});

async function cli(...args: string[]) {
  const res = await awsEvents(emu.url, args);
  if (res.code !== 0) throw new Error(`aws events ${args[0]} failed: ${res.stderr}`);
  return res.json;
}

test('the walk-through: connection, API destination, rule, target, event -> the local server receives it', async () => {
  const connection = await cli(
    'create-connection',
    '--name', 'orders-api',
    '--authorization-type', 'API_KEY',
    '--auth-parameters', JSON.stringify({ ApiKeyAuthParameters: { ApiKeyName: 'x-api-key', ApiKeyValue: 'local-s3cret' } }),
  );
  expect(connection.ConnectionState).toBe('AUTHORIZED');

  const destination = await cli(
    'create-api-destination',
    '--name', 'orders-webhook',
    '--connection-arn', connection.ConnectionArn,
    '--invocation-endpoint', `${api.url}/hooks/orders/*`,
    '--http-method', 'POST',
    '--invocation-rate-limit-per-second', '10',
  );
  expect(destination.ApiDestinationState).toBe('ACTIVE');

  await cli('put-rule', '--name', 'orders-to-webhook', '--event-pattern', JSON.stringify({ source: ['shop'], 'detail-type': ['Order Placed'] }));
  const targets = await cli(
    'put-targets',
    '--rule', 'orders-to-webhook',
    '--targets',
    JSON.stringify([
      {
        Id: 'webhook',
        Arn: destination.ApiDestinationArn,
        RoleArn: 'arn:aws:iam::000000000000:role/invoke-api-destination',
        HttpParameters: { PathParameterValues: ['$.detail.orderId'], HeaderParameters: { 'X-Customer': '$.detail.customer' } },
        InputTransformer: { InputPathsMap: { order: '$.detail.orderId', total: '$.detail.total' }, InputTemplate: '{"order": <order>, "total": <total>}' },
      },
    ]),
  );
  expect(targets.FailedEntryCount).toBe(0);

  const put = await cli('put-events', '--entries', JSON.stringify([{ Source: 'shop', DetailType: 'Order Placed', Detail: JSON.stringify({ orderId: 'o-42', customer: 'c-7', total: 99.5 }) }]));
  expect(put.FailedEntryCount).toBe(0);
  await emu.emulator.engine.idle();

  expect(api.requests).toHaveLength(1);
  const [req] = api.requests;
  expect(req.method).toBe('POST');
  expect(req.path).toBe('/hooks/orders/o-42');
  expect(req.headers).toMatchObject({ 'x-api-key': 'local-s3cret', 'x-customer': 'c-7', 'user-agent': 'Amazon/EventBridge/ApiDestinations' });
  expect(req.body).toBe('{"order":"o-42","total":99.5}');
});

test('describe, list, update, deauthorize and delete with the CLI; secrets never printed', async () => {
  const described = await cli('describe-connection', '--name', 'orders-api');
  expect(described.AuthParameters).toEqual({ ApiKeyAuthParameters: { ApiKeyName: 'x-api-key' } });
  expect(JSON.stringify(described)).not.toContain('local-s3cret');
  expect((await cli('list-connections', '--name-prefix', 'orders')).Connections.map((c: any) => c.Name)).toEqual(['orders-api']);
  expect((await cli('list-api-destinations', '--connection-arn', described.ConnectionArn)).ApiDestinations.map((d: any) => d.Name)).toEqual(['orders-webhook']);

  const updated = await cli('update-api-destination', '--name', 'orders-webhook', '--invocation-rate-limit-per-second', '5');
  expect(updated.ApiDestinationState).toBe('ACTIVE');
  expect((await cli('describe-api-destination', '--name', 'orders-webhook')).InvocationRateLimitPerSecond).toBe(5);

  expect((await cli('deauthorize-connection', '--name', 'orders-api')).ConnectionState).toBe('DEAUTHORIZING');
  expect((await cli('describe-api-destination', '--name', 'orders-webhook')).ApiDestinationState).toBe('INACTIVE');
  const reauthorized = await cli('update-connection', '--name', 'orders-api', '--auth-parameters', JSON.stringify({ ApiKeyAuthParameters: { ApiKeyName: 'x-api-key', ApiKeyValue: 'rotated' } }));
  expect(reauthorized.ConnectionState).toBe('AUTHORIZED');

  await cli('remove-targets', '--rule', 'orders-to-webhook', '--ids', 'webhook');
  expect(await cli('delete-api-destination', '--name', 'orders-webhook')).toBeUndefined();
  expect((await cli('delete-connection', '--name', 'orders-api')).ConnectionState).toBe('DELETING');
  const missing = await awsEvents(emu.url, ['describe-connection', '--name', 'orders-api']);
  expect(missing.code).not.toBe(0);
  expect(missing.stderr).toContain("Failed to describe the connection(s). Connection 'orders-api' does not exist.");
});
