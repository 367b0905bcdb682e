/**
 * Every control-plane write on the journal (issue 24): the Scheduler, Pipes, connections and
 * API destinations, archives and replays, endpoints, permissions, UpdateEventBus and health
 * checks append the records they changed; none rewrites state.json. Each answered 200
 * survives kill -9.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { aws, killHard, request, startEmulatorProcess } from '../../bench/reliability/crashRun.mjs';

const tempDir = () => mkdtempSync(join(tmpdir(), 'ebl-control-writes-'));
const account = '000000000000';
const region = 'us-east-1';
const busArn = (r: string, name: string) => `arn:aws:events:${r}:${account}:event-bus/${name}`;
const healthCheck = 'arn:aws:route53:::healthcheck/3a8e8c3e-0000-4000-8000-000000000001';

async function rest(url: string, method: string, path: string, body?: unknown) {
  const res = await request(url, method, path, body, body === undefined ? {} : { 'Content-Type': 'application/json' });
  if (res.status !== 200) throw new Error(`${method} ${path} answered ${res.status}: ${res.text}`);
  return res.json;
}

const schedule = (expression: string) => ({
  ScheduleExpression: expression,
  FlexibleTimeWindow: { Mode: 'OFF' },
  Target: { Arn: `arn:aws:sqs:${region}:${account}:q`, RoleArn: `arn:aws:iam::${account}:role/r` },
});

test('the writes of every other control-plane API append to the journal (state.json unchanged) and survive kill -9', async () => {
  const dataDir = tempDir();
  const first = await startEmulatorProcess(dataDir);
  const url = first.url;
  let stateBefore: Buffer;
  try {
    await aws(url, 'CreateEventBus', { Name: 'orders' });
    stateBefore = readFileSync(join(dataDir, 'state.json'));
    // Scheduler
    await rest(url, 'POST', '/schedule-groups/nightly', { Tags: [{ Key: 'team', Value: 'a' }] });
    await rest(url, 'POST', '/schedules/kept', { ...schedule('rate(1 day)'), GroupName: 'nightly' });
    await rest(url, 'POST', '/schedules/changed', schedule('rate(1 day)'));
    await rest(url, 'PUT', '/schedules/changed', schedule('rate(2 days)'));
    await rest(url, 'POST', '/schedules/gone', schedule('rate(1 day)'));
    await rest(url, 'DELETE', '/schedules/gone');
    await rest(url, 'POST', `/tags/${encodeURIComponent(`arn:aws:scheduler:${region}:${account}:schedule-group/nightly`)}`, { Tags: [{ Key: 'env', Value: 'test' }] });
    // Connections and API destinations
    const conn = await aws(url, 'CreateConnection', { Name: 'shop', AuthorizationType: 'API_KEY', AuthParameters: { ApiKeyAuthParameters: { ApiKeyName: 'x-api-key', ApiKeyValue: 'k' } } });
    await aws(url, 'UpdateConnection', { Name: 'shop', Description: 'the shop' });
    await aws(url, 'CreateApiDestination', { Name: 'orders-api', ConnectionArn: conn.ConnectionArn, InvocationEndpoint: 'https://example.com/orders', HttpMethod: 'POST' });
    await aws(url, 'UpdateApiDestination', { Name: 'orders-api', InvocationRateLimitPerSecond: 7 });
    // Archives (and their managed rules) and replays
    await aws(url, 'CreateArchive', { ArchiveName: 'all', EventSourceArn: busArn(region, 'orders'), RetentionDays: 3 });
    await aws(url, 'UpdateArchive', { ArchiveName: 'all', Description: 'everything' });
    const now = Math.floor(Date.now() / 1000);
    await aws(url, 'StartReplay', { ReplayName: 'again', EventSourceArn: `arn:aws:events:${region}:${account}:archive/all`, EventStartTime: now - 3600, EventEndTime: now - 1, Destination: { Arn: busArn(region, 'orders') } });
    // Permissions and UpdateEventBus
    await aws(url, 'PutPermission', { EventBusName: 'orders', Action: 'events:PutEvents', Principal: '111111111111', StatementId: 'partner' });
    await aws(url, 'UpdateEventBus', { Name: 'orders', Description: 'orders bus' });
    // Endpoints and health checks
    await aws(url, 'CreateEndpoint', {
      Name: 'global',
      RoutingConfig: { FailoverConfig: { Primary: { HealthCheck: healthCheck }, Secondary: { Route: 'us-west-2' } } },
      EventBuses: [{ EventBusArn: busArn(region, 'orders') }, { EventBusArn: busArn('us-west-2', 'orders') }],
      ReplicationConfig: { State: 'DISABLED' },
    });
    await rest(url, 'POST', '/_eventbridge-local/health-checks', { healthCheckArn: healthCheck, healthy: false });
    // Pipes
    await rest(url, 'POST', '/v1/pipes/relay', { Source: `arn:aws:sqs:${region}:${account}:in`, Target: `arn:aws:sqs:${region}:${account}:out`, RoleArn: `arn:aws:iam::${account}:role/r`, DesiredState: 'STOPPED' });
    // The virtual clock (saved too) ends CREATING: the lifecycle's write.
    await rest(url, 'POST', '/_eventbridge-local/clock', { advanceSeconds: 600 });
    await rest(url, 'PUT', '/v1/pipes/relay', { Description: 'relay', RoleArn: `arn:aws:iam::${account}:role/r`, DesiredState: 'STOPPED' });
    expect(readFileSync(join(dataDir, 'state.json')).equals(stateBefore)).toBe(true);
  } finally {
    await killHard(first.child);
  }

  const again = await startEmulatorProcess(dataDir);
  try {
    const u = again.url;
    expect((await rest(u, 'GET', '/schedules/kept?groupName=nightly')).Name).toBe('kept');
    expect((await rest(u, 'GET', '/schedules/changed')).ScheduleExpression).toBe('rate(2 days)');
    expect((await request(u, 'GET', '/schedules/gone')).status).toBe(404);
    const tags = await rest(u, 'GET', `/tags/${encodeURIComponent(`arn:aws:scheduler:${region}:${account}:schedule-group/nightly`)}`);
    expect(Object.fromEntries(tags.Tags.map((t: any) => [t.Key, t.Value]))).toEqual({ team: 'a', env: 'test' });
    expect((await aws(u, 'DescribeConnection', { Name: 'shop' })).Description).toBe('the shop');
    expect((await aws(u, 'DescribeApiDestination', { Name: 'orders-api' })).InvocationRateLimitPerSecond).toBe(7);
    expect((await aws(u, 'DescribeArchive', { ArchiveName: 'all' })).Description).toBe('everything');
    expect((await aws(u, 'ListRules', { EventBusName: 'orders' })).Rules.map((r: any) => r.ManagedBy)).toEqual(['prod.vhs.events.aws.internal']);
    expect((await aws(u, 'DescribeReplay', { ReplayName: 'again' })).ReplayName).toBe('again');
    const bus = await aws(u, 'DescribeEventBus', { Name: 'orders' });
    expect(bus.Description).toBe('orders bus');
    expect(JSON.parse(bus.Policy).Statement.map((s: any) => s.Sid)).toEqual(['partner']);
    expect((await aws(u, 'DescribeEndpoint', { Name: 'global' })).Name).toBe('global');
    const checks = await rest(u, 'GET', '/_eventbridge-local/health-checks');
    expect(checks.healthChecks.find((c: any) => c.healthCheckArn === healthCheck)).toMatchObject({ healthy: false });
    expect((await rest(u, 'GET', '/v1/pipes/relay')).Description).toBe('relay');
    expect((await rest(u, 'GET', '/_eventbridge-local/clock')).offsetMillis).toBeGreaterThanOrEqual(599_000);
  } finally {
    await killHard(again.child);
  }
}, 120_000);
