/**
 * --require-auth: the official SDK and the real `aws` CLI, signing with configured
 * credentials, work as against AWS; a wrong secret, an unknown key, no signature, a skewed
 * clock, a scope for another service or a malformed header each get AWS's error, and the
 * refused request changes nothing.
 */
import {
  CreateEventBusCommand,
  DescribeEventBusCommand,
  EventBridgeClient,
  ListEventBusesCommand,
  ListRulesCommand,
  ListTargetsByRuleCommand,
  PutEventsCommand,
  PutRuleCommand,
  PutTargetsCommand,
  type EventBridgeClientConfig,
} from '@aws-sdk/client-eventbridge';
import { SignatureV4 } from '@smithy/signature-v4';
import { HttpRequest } from '@smithy/protocol-http';
import { Sha256 } from '../../src/util/sha256.js';
import { expectAwsError, rawCall, useEmulator } from '../helpers/emulator.js';
import { awsEvents } from '../helpers/awsCli.js';
import { inspect } from '../helpers/inspect.js';

const emu = useEmulator({
  requireAuth: true,
  credentials: [
    { accessKeyId: 'test', secretAccessKey: 'test-secret' },
    { accessKeyId: '111122223333', secretAccessKey: 'account-secret' },
  ],
});

const badSignature =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';
const unknownKey = 'The security token included in the request is invalid.';

const clients: EventBridgeClient[] = [];
afterAll(() => clients.forEach((c) => c.destroy()));

function client(accessKeyId: string, secretAccessKey: string, config: Partial<EventBridgeClientConfig> = {}): EventBridgeClient {
  const c = new EventBridgeClient({ endpoint: emu.url, region: 'us-east-1', credentials: { accessKeyId, secretAccessKey }, maxAttempts: 1, ...config });
  clients.push(c);
  return c;
}

/** An SDK client whose requests leave without the Authorization header the signer added. */
function unsignedClient(): EventBridgeClient {
  const c = client('test', 'test-secret');
  c.middlewareStack.add(
    (next) => async (args: any) => {
      delete args.request.headers.authorization;
      return next(args);
    },
    { step: 'deserialize', name: 'dropAuthorization' },
  );
  return c;
}

async function busNames(): Promise<string[]> {
  const out = await emu.client.send(new ListEventBusesCommand({}));
  return (out.EventBuses ?? []).map((b) => b.Name!);
}

test('the SDK with the right credentials works, and a 12-digit key is the account', async () => {
  const account = client('111122223333', 'account-secret', { region: 'eu-west-1' });
  const created = await account.send(new CreateEventBusCommand({ Name: 'orders' }));
  expect(created.EventBusArn).toBe('arn:aws:events:eu-west-1:111122223333:event-bus/orders');
  await account.send(new PutRuleCommand({ Name: 'all', EventBusName: 'orders', EventPattern: JSON.stringify({ source: ['shop'] }) }));
  await account.send(
    new PutTargetsCommand({ Rule: 'all', EventBusName: 'orders', Targets: [{ Id: 'q', Arn: 'arn:aws:sqs:eu-west-1:111122223333:orders' }] }),
  );
  const put = await account.send(new PutEventsCommand({ Entries: [{ EventBusName: 'orders', Source: 'shop', DetailType: 'placed', Detail: '{}' }] }));
  expect(put.FailedEntryCount).toBe(0);
  expect((await account.send(new ListRulesCommand({ EventBusName: 'orders' }))).Rules?.map((r) => r.Name)).toEqual(['all']);
  expect((await account.send(new ListTargetsByRuleCommand({ Rule: 'all', EventBusName: 'orders' }))).Targets).toHaveLength(1);
  expect((await account.send(new DescribeEventBusCommand({ Name: 'orders' }))).Arn).toBe('arn:aws:events:eu-west-1:111122223333:event-bus/orders');
  // The other configured key plays the default account, which does not see it.
  expect(await busNames()).toEqual(['default']);
});

test.each([
  ['a wrong secret', () => client('test', 'not-the-secret'), 'InvalidSignatureException', badSignature],
  ['an unknown access key id', () => client('AKIAUNKNOWN0000000', 'test-secret'), 'UnrecognizedClientException', unknownKey],
  ['no signature', () => unsignedClient(), 'MissingAuthenticationTokenException', 'Missing Authentication Token'],
])('the SDK with %s is refused with AWS\'s error and changes nothing', async (_what, make, type, message) => {
  const bad = make();
  await expectAwsError(bad.send(new CreateEventBusCommand({ Name: 'refused' })), type, message, 400);
  await expectAwsError(bad.send(new PutEventsCommand({ Entries: [{ Source: 'shop', DetailType: 'placed', Detail: '{}' }] })), type, message, 400);
  await expectAwsError(bad.send(new ListEventBusesCommand({})), type, message, 400);
  expect(await busNames()).toEqual(['default']);
  expect((await inspect(emu.url, 'events')).events).toEqual([]);
});

test('a clock 10 minutes behind or ahead gets the expired / not yet current signature error', async () => {
  const expired = /^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 5 min\.\)$/;
  const early = /^Signature not yet current: \d{8}T\d{6}Z is still later than \d{8}T\d{6}Z \(\d{8}T\d{6}Z \+ 5 min\.\)$/;
  await expectAwsError(client('test', 'test-secret', { systemClockOffset: -10 * 60_000 }).send(new CreateEventBusCommand({ Name: 'late' })), 'InvalidSignatureException', expired);
  await expectAwsError(client('test', 'test-secret', { systemClockOffset: 10 * 60_000 }).send(new CreateEventBusCommand({ Name: 'early' })), 'InvalidSignatureException', early);
  expect(await busNames()).toEqual(['default']);
});

test('with retries on, the SDK corrects its clock from the Date header and succeeds, as against AWS', async () => {
  const skewed = client('test', 'test-secret', { systemClockOffset: -10 * 60_000, maxAttempts: 2 });
  await skewed.send(new CreateEventBusCommand({ Name: 'corrected' }));
  expect(await busNames()).toEqual(['corrected', 'default']);
});

async function handSigned(service: string, headers: Record<string, string> = {}) {
  const url = new URL(emu.url);
  const signer = new SignatureV4({ credentials: { accessKeyId: 'test', secretAccessKey: 'test-secret' }, region: 'us-east-1', service, sha256: Sha256 });
  const request = new HttpRequest({
    method: 'POST',
    protocol: 'http:',
    hostname: url.hostname,
    port: Number(url.port),
    path: '/',
    headers: { host: url.host, 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSEvents.CreateEventBus', ...headers },
    body: JSON.stringify({ Name: 'hand-signed' }),
  });
  const signed = await signer.sign(request);
  const { host: _host, ...sent } = signed.headers;
  const res = await fetch(emu.url + '/', { method: 'POST', headers: sent, body: signed.body });
  return { status: res.status, headers: res.headers, json: await res.json() };
}

test('a request signed by hand for events works; signed for another service it is refused', async () => {
  const ok = await handSigned('events');
  expect(ok.status).toBe(200);
  await emu.client.send(new DescribeEventBusCommand({ Name: 'hand-signed' }));

  const other = await handSigned('sqs', { 'x-amz-target': 'AWSEvents.CreateEventBus' });
  expect(other.status).toBe(400);
  expect(other.headers.get('x-amzn-errortype')).toBe('InvalidSignatureException');
  expect(other.json).toEqual({ __type: 'InvalidSignatureException', message: "Credential should be scoped to correct service: 'events'. " });
});

test('a malformed Authorization header is IncompleteSignatureException', async () => {
  const header = 'AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/events/aws4_request';
  const res = await rawCall(emu.url, 'ListEventBuses', '{}', { Authorization: header, 'X-Amz-Date': '20260101T000000Z' });
  expect(res.status).toBe(400);
  expect(res.json).toEqual({
    __type: 'IncompleteSignatureException',
    message: `Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. Authorization=${header}`,
  });
});

test('the aws CLI signs with the right credentials and gets AWS errors with wrong ones', async () => {
  const made = await awsEvents(emu.url, ['create-event-bus', '--name', 'from-cli'], 'test', 'us-east-1', 'test-secret');
  expect(made.code).toBe(0);
  expect(made.json.EventBusArn).toBe('arn:aws:events:us-east-1:000000000000:event-bus/from-cli');
  const listed = await awsEvents(emu.url, ['list-event-buses'], '111122223333', 'us-east-1', 'account-secret');
  expect(listed.code).toBe(0);
  expect(listed.json.EventBuses.map((b: any) => b.Arn)).toEqual(['arn:aws:events:us-east-1:111122223333:event-bus/default']);

  const wrongSecret = await awsEvents(emu.url, ['create-event-bus', '--name', 'refused'], 'test', 'us-east-1', 'not-the-secret');
  expect(wrongSecret.code).not.toBe(0);
  expect(wrongSecret.stderr).toContain(`An error occurred (InvalidSignatureException) when calling the CreateEventBus operation: ${badSignature}`);
  const unknown = await awsEvents(emu.url, ['create-event-bus', '--name', 'refused'], 'AKIAUNKNOWN0000000', 'us-east-1', 'test-secret');
  expect(unknown.code).not.toBe(0);
  expect(unknown.stderr).toContain(`An error occurred (UnrecognizedClientException) when calling the CreateEventBus operation: ${unknownKey}`);
  expect(await busNames()).toEqual(['default', 'from-cli']);
});

test("the dashboard's unsigned request (as ui/app.js builds it) is refused: the dashboard cannot put events under --require-auth", async () => {
  const res = await rawCall(emu.url, 'PutEvents', JSON.stringify({ Entries: [{ Source: 'ui', DetailType: 'x', Detail: '{}' }] }), {
    Authorization: 'AWS4-HMAC-SHA256 Credential=000000000000/20240101/us-east-1/events/aws4_request, SignedHeaders=host, Signature=0',
  });
  expect(res.status).toBe(400);
  expect(res.json.__type).toBe('IncompleteSignatureException');
  expect((await inspect(emu.url, 'events')).events).toEqual([]);
});
