/**
 * Every answer is JSON: errors raised anywhere (a malformed body on the emulator's own
 * endpoints, a missing dashboard file, an unknown path) come out of one handler as
 * `{"__type", "message"}` with no stack trace or file path. Requests meant for other AWS
 * services (the global AWS_ENDPOINT_URL sends them all here) get an AWS-shaped error that
 * says this endpoint serves EventBridge, and the real aws CLI prints it. A client that
 * aborts its upload is logged at debug, not as an error.
 */
import { connect } from 'node:net';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { rawCall, useEmulator } from '../helpers/emulator.js';
import { inspect } from '../helpers/inspect.js';
import { cliEnv } from '../helpers/awsCli.js';

const logLines: string[] = [];
const emu = useEmulator({ logLevel: 'debug', logSink: (line) => logLines.push(line) });

const served = 'This endpoint serves the EventBridge APIs (events, scheduler and pipes)';

async function get(path: string, init: RequestInit = {}) {
  const res = await fetch(emu.url + path, init);
  const text = await res.text();
  return { status: res.status, type: res.headers.get('content-type') ?? '', errorType: res.headers.get('x-amzn-errortype'), text };
}

function expectJsonError(res: { status: number; type: string; text: string }, status: number, type: string) {
  expect(res.status).toBe(status);
  expect(res.type).toContain('json');
  expect(res.text).not.toMatch(/<html|<pre|DOCTYPE|\s+at \S+ \(|\/work\/|node_modules|\.ts:|\.js:\d/i);
  const body = JSON.parse(res.text);
  expect(body.__type).toBe(type);
  expect(typeof body.message).toBe('string');
  return body;
}

describe('one JSON error handler for every route', () => {
  test('a body that is not JSON on the emulator\'s own endpoints', async () => {
    const res = await get('/_eventbridge-local/clock', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"advanceSeconds": 1e15' });
    expect(expectJsonError(res, 400, 'SerializationException').message).toBe('Request body is not valid JSON.');
  });

  test('POST /clock with 1e15 is a JSON 400', async () => {
    const res = await get('/_eventbridge-local/clock', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"advanceSeconds": 1e15}' });
    expectJsonError(res, 400, 'ValidationException');
  });

  test.each(['constructor', '__proto__', 'toString', 'hasOwnProperty'])('captures and dead-letters filtered by %s answer JSON, never a stack', async (name) => {
    for (const path of [`captures?targetArn=${name}`, `dead-letters?queueArn=${name}`, `captures?targetArn=arn:aws:sqs:us-east-1:000000000000:${name}`]) {
      const res = await get(`/_eventbridge-local/${path}`);
      expect(res.type).toContain('json');
      expect(res.text).not.toMatch(/<html|<pre|\s+at \S+ \(|\/work\/|node_modules/i);
      if (res.status === 200) expect(Object.values(JSON.parse(res.text)).find(Array.isArray)).toEqual([]);
      else expect(res.status).toBe(400);
    }
  });

  test('a missing dashboard file is a JSON 404', async () => {
    expectJsonError(await get('/_eventbridge-local/ui/missing.js'), 404, 'ResourceNotFoundException');
    expectJsonError(await get('/_eventbridge-local/ui/..%2f..%2fpackage.json'), 403, 'AccessDeniedException');
  });

  test('a body over the admin size cap is a JSON 413', async () => {
    const res = await get('/_eventbridge-local/clock', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ pad: 'x'.repeat(100_000) }) });
    expectJsonError(res, 413, 'RequestEntityTooLargeException');
  });

  test.each([
    ['GET', '/'],
    ['GET', '/favicon.ico'],
    ['DELETE', '/'],
    ['GET', '/_eventbridge-local/nothing-here'],
    ['PUT', '/webhooks/github/orders'],
  ])('%s %s (no route) is a JSON 404 naming the API this endpoint serves', async (method, path) => {
    const res = await get(path, { method, headers: { 'Content-Type': 'application/json' } });
    const body = expectJsonError(res, 404, 'UnknownOperationException');
    expect(res.errorType).toBe('UnknownOperationException');
    expect(body.message).toContain(served);
  });
});

describe('requests for other AWS services', () => {
  test('an X-Amz-Target of another JSON service is named, with the fix', async () => {
    const res = await fetch(emu.url + '/', {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-amz-json-1.0',
        'X-Amz-Target': 'AmazonSQS.ListQueues',
        Authorization: 'AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/sqs/aws4_request, SignedHeaders=host, Signature=0',
      },
      body: '{}',
    });
    const body = await res.json();
    expect(res.status).toBe(400);
    expect(body).toEqual({
      __type: 'UnknownOperationException',
      message: `${served}; X-Amz-Target AmazonSQS.ListQueues (a request for sqs) is not one of its operations. Send only EventBridge here: set AWS_ENDPOINT_URL_EVENTBRIDGE, AWS_ENDPOINT_URL_SCHEDULER and AWS_ENDPOINT_URL_PIPES (or --endpoint-url on aws events / aws scheduler / aws pipes) rather than the global AWS_ENDPOINT_URL.`,
    });
  });

  test('an unknown AWSEvents operation keeps AWS\'s text', async () => {
    const res = await rawCall(emu.url, 'NoSuchThing', '{}');
    expect(res.json).toEqual({ __type: 'UnknownOperationException', message: 'Operation AWSEvents.NoSuchThing is not recognized.' });
  });

  const run = promisify(execFile);
  async function aws(args: string[]) {
    const env = cliEnv({ AWS_ENDPOINT_URL: emu.url });
    try {
      await run('aws', args, { env, timeout: 20_000 });
      throw new Error(`aws ${args.join(' ')} succeeded`);
    } catch (err: any) {
      return String(err.stderr ?? err.message);
    }
  }

  test.each([
    // aws-cli v1 sends sqs to queue.amazonaws.com whatever AWS_ENDPOINT_URL says: --endpoint-url takes it here.
    [['sqs', 'list-queues', '--endpoint-url', 'EMULATOR'], 'ListQueues', 'X-Amz-Target AmazonSQS.ListQueues (a request for sqs)'],
    [['dynamodb', 'list-tables'], 'ListTables', 'X-Amz-Target DynamoDB_20120810.ListTables (a request for dynamodb)'],
    // Query protocol: the answer is XML in that protocol's error shape, the only one its SDKs read.
    [['sts', 'get-caller-identity'], 'GetCallerIdentity', 'the query-protocol call Action=GetCallerIdentity, a request for sts'],
    [['s3api', 'list-buckets'], 'ListBuckets', 'a request for s3 (GET /)'],
    [['sns', 'list-topics'], 'ListTopics', 'the query-protocol call Action=ListTopics, a request for sns'],
  ])('the aws CLI with AWS_ENDPOINT_URL: aws %j prints the sentence', async (args, operation, what) => {
    const stderr = await aws(args.map((a) => (a === 'EMULATOR' ? emu.url : a)));
    expect(stderr).toContain(`An error occurred (UnknownOperationException) when calling the ${operation} operation: ${served}; ${what}`);
    expect(stderr).toContain('AWS_ENDPOINT_URL_EVENTBRIDGE');
  }, 90_000);

  test('aws events through the same AWS_ENDPOINT_URL still works', async () => {
    const env = { ...process.env, AWS_ENDPOINT_URL: emu.url, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 's', AWS_DEFAULT_REGION: 'us-east-1', AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null' };
    const { stdout } = await run('aws', ['events', 'list-event-buses', '--output', 'json'], { env });
    expect(JSON.parse(stdout).EventBuses.map((b: any) => b.Name)).toEqual(['default']);
 }, 90_000);

  test('aws scheduler through the same AWS_ENDPOINT_URL is served (the scheduler API is this endpoint\'s too)', async () => {
    const env = { ...process.env, AWS_ENDPOINT_URL: emu.url, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 's', AWS_DEFAULT_REGION: 'us-east-1', AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null' };
    const { stdout } = await run('aws', ['scheduler', 'list-schedule-groups', '--output', 'json'], { env });
    expect(JSON.parse(stdout).ScheduleGroups.map((g: any) => g.Name)).toEqual(['default']);
  }, 90_000);

  test('aws pipes through the same AWS_ENDPOINT_URL is served (the pipes API is this endpoint\'s too)', async () => {
    const env = { ...process.env, AWS_ENDPOINT_URL: emu.url, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 's', AWS_DEFAULT_REGION: 'us-east-1', AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null' };
    const { stdout } = await run('aws', ['pipes', 'list-pipes', '--output', 'json'], { env });
    expect(JSON.parse(stdout)).toEqual({ Pipes: [] });
  }, 90_000);
});

describe('an aborted upload', () => {
  /** Headers with Expect: 100-continue; once the server has taken the request (it answers 100), part of the body, then gone. */
  function abortMidBody(path: string, headers: string): Promise<void> {
    const url = new URL(emu.url);
    return new Promise((resolve, reject) => {
      const socket = connect(Number(url.port), url.hostname, () => {
        socket.write(`POST ${path} HTTP/1.1\r\nHost: ${url.host}\r\n${headers}Expect: 100-continue\r\nContent-Length: 100000\r\n\r\n`);
      });
      socket.once('data', () => socket.write('{"Entries": [', () => socket.destroy()));
      socket.once('close', () => resolve());
      socket.once('error', reject);
    });
  }

  async function logFor(mark: number, what: RegExp) {
    for (let i = 0; i < 200; i++) {
      const found = logLines.slice(mark).map((l) => JSON.parse(l)).find((e) => what.test(e.msg));
      if (found) return found;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error(`no log line matching ${what}: ${logLines.slice(mark).join('\n')}`);
  }

  test.each([
    ['the AWS API', '/', 'Content-Type: application/x-amz-json-1.1\r\nX-Amz-Target: AWSEvents.PutEvents\r\n'],
    ['an inbound webhook', '/webhooks/github/orders', 'Content-Type: application/json\r\n'],
  ])('on %s is logged at debug, without a stack', async (_what, path, headers) => {
    const mark = logLines.length;
    await abortMidBody(path, headers);
    const entry = await logFor(mark, /abort|unexpected/);
    expect(entry).toMatchObject({ level: 'debug', msg: 'request aborted by the client' });
    expect(JSON.stringify(entry)).not.toMatch(/\s+at \S+/);
    expect(logLines.slice(mark).filter((l) => JSON.parse(l).level === 'error')).toEqual([]);
  });
});
