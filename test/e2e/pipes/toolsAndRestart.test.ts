/** The user's tools against the Pipes API (aws pipes, boto3 through AWS_ENDPOINT_URL_PIPES), the shared /tags route, and pipes that survive a restart. */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CreatePipeCommand, DescribePipeCommand, PipesClient } from '@aws-sdk/client-pipes';
import { CreateScheduleGroupCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { startEmulator, useEmulator } from '../../helpers/emulator.js';
import { awsService } from '../../helpers/awsCli.js';

const run = promisify(execFile);
const emu = useEmulator();
const queue = 'arn:aws:sqs:us-east-1:000000000000:orders';
const bus = 'arn:aws:events:us-east-1:000000000000:event-bus/default';
const role = 'arn:aws:iam::000000000000:role/pipe';
const credentials = { accessKeyId: 'test', secretAccessKey: 'x' };

test('aws pipes: create, describe, list, stop, delete, and the CLI prints AWS errors', async () => {
  const created = await awsService('pipes', emu.url, ['create-pipe', '--name', 'cli', '--source', queue, '--target', bus, '--role-arn', role, '--desired-state', 'STOPPED', '--tags', 'team=a']);
  expect(created.code).toBe(0);
  expect(created.json).toMatchObject({ Name: 'cli', Arn: 'arn:aws:pipes:us-east-1:000000000000:pipe/cli', CurrentState: 'CREATING', DesiredState: 'STOPPED' });
  const described = await awsService('pipes', emu.url, ['describe-pipe', '--name', 'cli']);
  expect(described.json).toMatchObject({ Name: 'cli', Source: queue, Target: bus, Tags: { team: 'a' } });
  const listed = await awsService('pipes', emu.url, ['list-pipes', '--name-prefix', 'c']);
  expect(listed.json.Pipes.map((p: { Name: string }) => p.Name)).toEqual(['cli']);
  const tags = await awsService('pipes', emu.url, ['list-tags-for-resource', '--resource-arn', created.json.Arn]);
  expect(tags.json).toEqual({ tags: { team: 'a' } });
  const bad = await awsService('pipes', emu.url, ['create-pipe', '--name', 'cli', '--source', queue, '--target', bus, '--role-arn', role]);
  expect(bad.code).not.toBe(0);
  expect(bad.stderr).toMatch(/ConflictException.*Pipe cli already exists/);
  const missing = await awsService('pipes', emu.url, ['describe-pipe', '--name', 'nope']);
  expect(missing.stderr).toMatch(/NotFoundException.*Pipe nope does not exist/);
});

test('boto3: the pipes client finds the emulator through AWS_ENDPOINT_URL_PIPES alone', async () => {
  const script = `
import json, boto3, botocore.exceptions
c = boto3.client("pipes")
out = {}
out["created"] = c.create_pipe(Name="py", Source="${queue}", Target="${bus}", RoleArn="${role}", DesiredState="STOPPED",
    SourceParameters={"SqsQueueParameters": {"BatchSize": 3}, "FilterCriteria": {"Filters": [{"Pattern": '{"body": {"kind": ["a"]}}'}]}})["CurrentState"]
d = c.describe_pipe(Name="py")
out["described"] = {k: d[k] for k in ("Name", "Source", "SourceParameters", "DesiredState")}
out["time"] = type(d["CreationTime"]).__name__
out["names"] = [p["Name"] for p in c.list_pipes()["Pipes"]]
try:
    c.create_pipe(Name="bad name", Source="${queue}", Target="${bus}", RoleArn="${role}")
except botocore.exceptions.ClientError as e:
    out["error"] = [e.response["Error"]["Code"], e.response["ResponseMetadata"]["HTTPStatusCode"], [f["name"] for f in e.response.get("fieldList", [])]]
print(json.dumps(out))
`;
  const env = {
    ...process.env,
    AWS_ENDPOINT_URL_PIPES: emu.url,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test-secret',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    AWS_MAX_ATTEMPTS: '1',
  };
  const { stdout } = await run('python3', ['-c', script], { env, timeout: 60_000 });
  expect(JSON.parse(stdout)).toEqual({
    created: 'CREATING',
    described: { Name: 'py', Source: queue, SourceParameters: { SqsQueueParameters: { BatchSize: 3 }, FilterCriteria: { Filters: [{ Pattern: '{"body": {"kind": ["a"]}}' }] } }, DesiredState: 'STOPPED' },
    time: 'datetime',
    names: ['py'],
    error: ['ValidationException', 400, ['name']],
  });
}, 90_000);

test('unsigned /tags/{resourceArn} goes to the API the ARN names (scheduler and pipes share the route)', async () => {
  const pipes = new PipesClient({ endpoint: emu.url, region: 'us-east-1', credentials, maxAttempts: 1 });
  const scheduler = new SchedulerClient({ endpoint: emu.url, region: 'us-east-1', credentials, maxAttempts: 1 });
  try {
    const { Arn } = await pipes.send(new CreatePipeCommand({ Name: 'tagged', Source: queue, Target: bus, RoleArn: role, DesiredState: 'STOPPED', Tags: { api: 'pipes' } }));
    const { ScheduleGroupArn } = await scheduler.send(new CreateScheduleGroupCommand({ Name: 'tagged', Tags: [{ Key: 'api', Value: 'scheduler' }] }));
    const pipeTags = await fetch(`${emu.url}/tags/${encodeURIComponent(Arn!)}`);
    expect(await pipeTags.json()).toEqual({ tags: { api: 'pipes' } });
    const groupTags = await fetch(`${emu.url}/tags/${encodeURIComponent(ScheduleGroupArn!)}`);
    expect(await groupTags.json()).toEqual({ Tags: [{ Key: 'api', Value: 'scheduler' }] });
  } finally {
    pipes.destroy();
    scheduler.destroy();
  }
});

test('a pipe is in state.json: it survives a restart, and a transition in progress completes after it; a version 3 state.json is read and written back as 4', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'ebl-pipes-'));
  const first = await startEmulator({ dataDir });
  const c1 = new PipesClient({ endpoint: first.url, region: 'us-east-1', credentials, maxAttempts: 1 });
  await c1.send(new CreatePipeCommand({ Name: 'durable', Source: queue, Target: bus, RoleArn: role, DesiredState: 'STOPPED', Description: 'kept' }));
  c1.destroy();
  await first.close();
  // The file an emulator of schema version 3 would have written (it has no pipes of its own; this one does).
  const stateFile = join(dataDir, 'state.json');
  const state = JSON.parse(readFileSync(stateFile, 'utf8'));
  expect(state.schemaVersion).toBe(4);
  writeFileSync(stateFile, JSON.stringify({ ...state, schemaVersion: 3 }));
  const second = await startEmulator({ dataDir });
  const c2 = new PipesClient({ endpoint: second.url, region: 'us-east-1', credentials, maxAttempts: 1 });
  try {
    expect(JSON.parse(readFileSync(stateFile, 'utf8')).schemaVersion).toBe(4);
    // Still CREATING, or already past it when the restart took longer than the transition: either way it ends in STOPPED.
    expect(await c2.send(new DescribePipeCommand({ Name: 'durable' }))).toMatchObject({ Description: 'kept', CurrentState: expect.stringMatching(/^(CREATING|STOPPED)$/) });
    await second.emulator.clock.advanceSettled(1_000, async () => undefined);
    expect(await c2.send(new DescribePipeCommand({ Name: 'durable' }))).toMatchObject({ CurrentState: 'STOPPED' });
  } finally {
    c2.destroy();
    await second.close();
  }
});
