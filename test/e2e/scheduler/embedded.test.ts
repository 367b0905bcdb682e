/**
 * A user who mounts the emulator's express app in a server of their own gets the scheduler API
 * beside events; and the aws CLI and boto3 find Scheduler through AWS_ENDPOINT_URL_SCHEDULER alone.
 */
import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import express from 'express';
import { CreateScheduleCommand, GetScheduleCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { EventBridgeClient, ListRulesCommand, PutRuleCommand } from '@aws-sdk/client-eventbridge';
import { createEmulator, type Emulator } from '../../../src/index.js';
import { expectAwsError } from '../../helpers/emulator.js';
import { cliEnv } from '../../helpers/awsCli.js';

const run = promisify(execFile);
let emulator: Emulator;
let server: Server;
let url: string;

beforeAll(async () => {
  emulator = await createEmulator({ port: 0, dataDir: undefined, logLevel: 'silent' });
  const mine = express();
  mine.get('/health', (_req, res) => res.json({ mine: true }));
  mine.use(emulator.app);
  server = createServer(mine);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeAllConnections();
  await emulator.close();
});

const credentials = { accessKeyId: 'test', secretAccessKey: 'test-secret' };
const target = { Arn: 'arn:aws:sqs:us-east-1:000000000000:q', RoleArn: 'arn:aws:iam::000000000000:role/s' };

const env = () => cliEnv({ AWS_ENDPOINT_URL: 'http://127.0.0.1:9', AWS_ENDPOINT_URL_SCHEDULER: url });

test('the mounted app serves the scheduler API (SDK) beside events, and the host app keeps its own routes', async () => {
  const scheduler = new SchedulerClient({ endpoint: url, region: 'us-east-1', credentials, maxAttempts: 1 });
  const events = new EventBridgeClient({ endpoint: url, region: 'us-east-1', credentials, maxAttempts: 1 });
  try {
    const { ScheduleArn } = await scheduler.send(new CreateScheduleCommand({ Name: 'mounted', ScheduleExpression: 'rate(1 hour)', FlexibleTimeWindow: { Mode: 'OFF' }, Target: target }));
    expect(ScheduleArn).toBe('arn:aws:scheduler:us-east-1:000000000000:schedule/default/mounted');
    expect((await scheduler.send(new GetScheduleCommand({ Name: 'mounted' }))).ScheduleExpression).toBe('rate(1 hour)');
    await expectAwsError(scheduler.send(new GetScheduleCommand({ Name: 'nope' })), 'ResourceNotFoundException', 'Schedule nope does not exist.', 404);
    await events.send(new PutRuleCommand({ Name: 'r', EventPattern: '{"source":["a"]}' }));
    expect((await events.send(new ListRulesCommand({}))).Rules?.map((r) => r.Name)).toEqual(['r']);
    expect(await (await fetch(`${url}/health`)).json()).toEqual({ mine: true });
  } finally {
    scheduler.destroy();
    events.destroy();
  }
});

test('aws scheduler through AWS_ENDPOINT_URL_SCHEDULER alone (the global AWS_ENDPOINT_URL points nowhere)', async () => {
  const created = await run('aws', ['scheduler', 'create-schedule-group', '--name', 'from-cli', '--output', 'json'], { env: env() });
  expect(JSON.parse(created.stdout)).toEqual({ ScheduleGroupArn: 'arn:aws:scheduler:us-east-1:000000000000:schedule-group/from-cli' });
  const listed = await run('aws', ['scheduler', 'list-schedule-groups', '--output', 'json'], { env: env() });
  expect(JSON.parse(listed.stdout).ScheduleGroups.map((g: { Name: string }) => g.Name)).toContain('from-cli');
}, 60_000);

test('boto3 through AWS_ENDPOINT_URL_SCHEDULER alone, against the mounted app', async () => {
  const script = 'import json, boto3\nc = boto3.client("scheduler")\nc.create_schedule_group(Name="from-boto3")\nprint(json.dumps(c.get_schedule_group(Name="from-boto3")["State"]))';
  const { stdout } = await run('python3', ['-c', script], { env: env(), timeout: 60_000 });
  expect(JSON.parse(stdout)).toBe('ACTIVE');
}, 60_000);
