import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, configFromArgs } from '../../src/config.js';
import { ServiceDirectory, serviceEndpointsFromEnv, serviceOfArn } from '../../src/engine/delivery/serviceEndpoints.js';

test('AWS_ENDPOINT_URL_<SERVICE> wins over AWS_ENDPOINT_URL; services without either have none', () => {
  expect(serviceEndpointsFromEnv({ AWS_ENDPOINT_URL_SQS: 'http://127.0.0.1:9324/', AWS_ENDPOINT_URL_CLOUDWATCH_LOGS: 'http://127.0.0.1:5000' })).toEqual({
    sqs: { url: 'http://127.0.0.1:9324' },
    'cloudwatch-logs': { url: 'http://127.0.0.1:5000' },
  });
  const all = serviceEndpointsFromEnv({ AWS_ENDPOINT_URL: 'http://127.0.0.1:4566', AWS_ENDPOINT_URL_LAMBDA: 'http://127.0.0.1:3001' });
  expect(all.lambda).toEqual({ url: 'http://127.0.0.1:3001' });
  expect(all.sqs).toEqual({ url: 'http://127.0.0.1:4566' });
  expect(Object.keys(all).sort()).toEqual(['cloudwatch-logs', 'dynamodb-streams', 'firehose', 'kinesis', 'lambda', 'sfn', 'sns', 'sqs']);
  expect(serviceEndpointsFromEnv({})).toEqual({});
});

test('a pipe source service (DynamoDB Streams) has its endpoint variable and flag, but no target of its own', () => {
  expect(serviceEndpointsFromEnv({ AWS_ENDPOINT_URL_DYNAMODB_STREAMS: 'http://127.0.0.1:8000/' })).toEqual({ 'dynamodb-streams': { url: 'http://127.0.0.1:8000' } });
  const config = configFromArgs(['--service-endpoint', 'dynamodb-streams=http://127.0.0.1:8001'], {});
  expect(new ServiceDirectory({ endpoints: config.serviceEndpoints }).endpoint('dynamodb-streams')).toEqual({ url: 'http://127.0.0.1:8001' });
  expect(serviceOfArn('arn:aws:dynamodb:us-east-1:000000000000:table/t/stream/2026-01-01T00:00:00.000')).toBeUndefined();
});

test('flags win over the config file, which wins over the environment', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ebl-services-'));
  const file = join(dir, 'services.json');
  writeFileSync(
    file,
    JSON.stringify({
      serviceEndpoints: { sqs: 'http://127.0.0.1:1111', lambda: { url: 'http://127.0.0.1:3001', invocationType: 'RequestResponse' } },
      lambdas: { 'orders-handler': 'http://127.0.0.1:3000/orders' },
      credentials: { accessKeyId: 'AKIDLOCAL', secretAccessKey: 's3cr3t' },
    }),
  );
  const config = configFromArgs(['--services-config', file, '--service-endpoint', 'sqs=http://127.0.0.1:9324', '--service-endpoint', 'logs=http://127.0.0.1:5000', '--lambda', 'billing=http://127.0.0.1:3000/billing'], {
    AWS_ENDPOINT_URL: 'http://127.0.0.1:4566',
  });
  expect(config.serviceEndpoints.sqs).toEqual({ url: 'http://127.0.0.1:9324' });
  expect(config.serviceEndpoints.lambda).toEqual({ url: 'http://127.0.0.1:3001', invocationType: 'RequestResponse' });
  expect(config.serviceEndpoints['cloudwatch-logs']).toEqual({ url: 'http://127.0.0.1:5000' });
  expect(config.serviceEndpoints.sns).toEqual({ url: 'http://127.0.0.1:4566' });
  expect(config.lambdas).toEqual({ 'orders-handler': 'http://127.0.0.1:3000/orders', billing: 'http://127.0.0.1:3000/billing' });
  expect(config.serviceCredentials).toEqual({ accessKeyId: 'AKIDLOCAL', secretAccessKey: 's3cr3t' });
});

test('no endpoint anywhere: nothing is delivered for real (the default)', () => {
  const config = configFromArgs([], {});
  expect(config.serviceEndpoints).toEqual({});
  expect(config.lambdas).toEqual({});
  expect(new ServiceDirectory({ endpoints: config.serviceEndpoints }).delivers('arn:aws:sqs:us-east-1:000000000000:orders')).toBeUndefined();
});

test.each([
  [['--service-endpoint', 'dynamodb=http://127.0.0.1:8000'], /service one of sqs, sns, lambda/],
  [['--service-endpoint', 'sqs=ftp://127.0.0.1'], /http:\/\/ or https:\/\//],
  [['--service-endpoint', 'sqs=http://127.0.0.1:9324,invocation-type=Event'], /unknown option/],
  [['--lambda', 'orders-handler'], /<function name or ARN>=http/],
  [['--service-credentials', 'nocolon'], /<access key id>:<secret>/],
])('%j is refused with a message that says why', (argv, message) => {
  expect(() => configFromArgs(argv as string[], {})).toThrow(ConfigError);
  expect(() => configFromArgs(argv as string[], {})).toThrow(message);
});

test('the secret of --service-credentials is never repeated in an error', () => {
  expect(() => configFromArgs(['--service-credentials', 'secret-without-id:'], {})).toThrow(/^--service-credentials must be/);
  try {
    configFromArgs(['--service-credentials', 'secret-without-id:'], {});
  } catch (err) {
    expect((err as Error).message).not.toContain('secret-without-id');
  }
});

test('an endpoint that is the emulator itself is ignored once it listens (AWS_ENDPOINT_URL pointed at the emulator)', () => {
  const directory = new ServiceDirectory({ endpoints: { sqs: 'http://localhost:4010', sns: 'http://127.0.0.1:4011' } });
  expect(directory.endpoint('sqs')).toEqual({ url: 'http://localhost:4010' });
  directory.listeningOn('127.0.0.1', 4010);
  expect(directory.endpoint('sqs')).toBeUndefined();
  expect(directory.endpoint('sns')).toEqual({ url: 'http://127.0.0.1:4011' });
  const anyAddress = new ServiceDirectory({ endpoints: { sqs: 'http://127.0.0.1:4010' } });
  anyAddress.listeningOn('0.0.0.0', 4010);
  expect(anyAddress.endpoint('sqs')).toBeUndefined();
});

test('Lambda bindings match the ARN, the unqualified ARN or the function name', () => {
  const handler = () => undefined;
  const directory = new ServiceDirectory({ lambdas: { 'orders-handler': handler, 'arn:aws:lambda:eu-west-1:111111111111:function:billing': 'http://127.0.0.1:3000' } });
  expect(directory.lambdaBinding('arn:aws:lambda:us-east-1:000000000000:function:orders-handler:live')).toBe(handler);
  expect(directory.lambdaBinding('arn:aws:lambda:eu-west-1:111111111111:function:billing:3')).toBe('http://127.0.0.1:3000');
  expect(directory.lambdaBinding('arn:aws:lambda:us-east-1:000000000000:function:billing')).toBeUndefined();
  expect(directory.delivers('arn:aws:lambda:us-east-1:000000000000:function:orders-handler')).toBe('lambda');
});

test('the service of each target ARN', () => {
  expect(serviceOfArn('arn:aws:states:us-east-1:000000000000:stateMachine:fulfil')).toBe('sfn');
  expect(serviceOfArn('arn:aws:logs:us-east-1:000000000000:log-group:/aws/events/x:*')).toBe('cloudwatch-logs');
  expect(serviceOfArn('arn:aws:firehose:us-east-1:000000000000:deliverystream/x')).toBe('firehose');
  expect(serviceOfArn('arn:aws:ecs:us-east-1:000000000000:cluster/x')).toBeUndefined();
});
