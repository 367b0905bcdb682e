/**
 * Terraform end to end: test/terraform/*.tf declares every aws_cloudwatch_event_* resource of the
 * AWS provider 5.100.0 (buses, rules with a pattern and a schedule, targets of every parameter kind
 * with input transformers, retry policy and DLQ, connections of each auth type, an API destination,
 * an archive, permissions, a bus policy and a global endpoint). The cycle a user runs:
 * apply -> plan shows no drift -> an in-place update of every resource -> plan shows no drift ->
 * destroy leaves nothing. After each step the SDK reads what the emulator holds.
 *
 * Offline: the provider comes from the filesystem mirror on the machine (test/helpers/terraform.ts),
 * the provider skips STS, IMDS and account lookups, and HTTP(S)_PROXY points at a guard that refuses
 * and records anything headed off the machine; the test asserts it saw nothing. The secondary
 * provider (us-west-2) has no endpoints block: it reaches the emulator through
 * AWS_ENDPOINT_URL_EVENTBRIDGE, as the README recommends.
 *
 * Terraform is slow (each command starts a 700 MB provider), so there is one round per step.
 */
import { fileURLToPath } from 'node:url';
import {
  DescribeApiDestinationCommand,
  DescribeArchiveCommand,
  DescribeConnectionCommand,
  DescribeEndpointCommand,
  DescribeEventBusCommand,
  DescribeRuleCommand,
  ListApiDestinationsCommand,
  ListArchivesCommand,
  ListConnectionsCommand,
  ListEndpointsCommand,
  ListEventBusesCommand,
  ListRulesCommand,
  ListTagsForResourceCommand,
  ListTargetsByRuleCommand,
  type EventBridgeClient,
  type Target,
} from '@aws-sdk/client-eventbridge';
import { startEmulator, type Running } from '../helpers/emulator.js';
import { startHttpSink, type HttpSink } from '../helpers/httpSink.js';
import { startProxyGuard, type ProxyGuard } from '../helpers/proxyGuard.js';
import { createWorkspace, findProviderMirror, terraformVersion, uiMessages, type RunResult, type Workspace } from '../helpers/terraform.js';

const configDir = fileURLToPath(new URL('../terraform', import.meta.url));
const account = '123456789012';
/** Per step; on 2 shared cores one Terraform command takes 10-60 s. */
const step = 10 * 60_000;

let emu: Running;
let sink: HttpSink;
let guard: ProxyGuard;
let workspace: Workspace;
let east: EventBridgeClient;
let west: EventBridgeClient;

beforeAll(async () => {
  // Fails (never skips) when Terraform or the provider mirror is missing, saying how to install it.
  await terraformVersion();
  const mirror = await findProviderMirror();
  emu = await startEmulator();
  sink = await startHttpSink();
  sink.fallback = (req) =>
    req.path === '/oauth/token' ? { status: 200, body: JSON.stringify({ access_token: 'tf-token', expires_in: 3600 }) } : { status: 200, body: '{}' };
  guard = await startProxyGuard();
  workspace = await createWorkspace(configDir, mirror, { ...guard.env, AWS_ENDPOINT_URL_EVENTBRIDGE: emu.url });
  east = emu.clientFor(account, 'us-east-1');
  west = emu.clientFor(account, 'us-west-2');
}, step);

afterAll(async () => {
  await workspace?.remove();
  await guard?.close();
  await sink?.close();
  await emu?.close();
});

const vars = (generation: number) => ['-var', `endpoint=${emu.url}`, '-var', `sink_url=${sink.url}`, '-var', `generation=${generation}`];

function explain(what: string, result: RunResult): string {
  return `terraform ${what} exited ${result.code}\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`;
}

/** `terraform <command> -json`: fails the test with Terraform's output unless it exits 0; answers the change summary and each planned action. */
async function applying(command: 'apply' | 'destroy', generation: number, { refresh = true } = {}) {
  const args = [command, '-auto-approve', '-input=false', '-parallelism=2', '-json', `-refresh=${refresh}`, ...vars(generation)];
  const result = await workspace.terraform(args, step);
  if (result.code !== 0) throw new Error(explain(command, result));
  const messages = uiMessages(result.stdout);
  const actions = new Map<string, string>();
  for (const m of messages) if (m.type === 'planned_change' && m.change) actions.set(m.change.resource.addr, m.change.action);
  // The last summary is the one of what was done (the first is the plan's).
  const summary = messages.filter((m) => m.type === 'change_summary').at(-1)?.changes;
  return { actions, summary };
}

/** `plan -detailed-exitcode` must exit 0: what Terraform reads back is what it wrote. */
async function expectNoDrift(generation: number): Promise<void> {
  const result = await workspace.terraform(['plan', '-detailed-exitcode', '-input=false', '-parallelism=2', ...vars(generation)], step);
  if (result.code !== 0) throw new Error(explain('plan -detailed-exitcode (0 = no drift, 2 = drift)', result));
  expect(result.stdout).toContain('No changes.');
}

/** Every resource the configuration declares (their count is checked against Terraform's summary). */
const resources = [
  'aws_cloudwatch_event_api_destination.webhook',
  'aws_cloudwatch_event_archive.orders',
  'aws_cloudwatch_event_bus.global_primary',
  'aws_cloudwatch_event_bus.global_secondary',
  'aws_cloudwatch_event_bus.kms',
  'aws_cloudwatch_event_bus.orders',
  'aws_cloudwatch_event_bus.shared',
  'aws_cloudwatch_event_bus_policy.shared',
  'aws_cloudwatch_event_connection.api_key',
  'aws_cloudwatch_event_connection.basic',
  'aws_cloudwatch_event_connection.oauth',
  'aws_cloudwatch_event_endpoint.global',
  'aws_cloudwatch_event_permission.organization',
  'aws_cloudwatch_event_permission.partner',
  'aws_cloudwatch_event_rule.more_targets',
  'aws_cloudwatch_event_rule.pattern',
  'aws_cloudwatch_event_rule.schedule',
  'aws_cloudwatch_event_rule.targets',
  'aws_cloudwatch_event_target.api_gateway',
  'aws_cloudwatch_event_target.appsync',
  'aws_cloudwatch_event_target.batch',
  'aws_cloudwatch_event_target.ecs',
  'aws_cloudwatch_event_target.fifo',
  'aws_cloudwatch_event_target.kinesis',
  'aws_cloudwatch_event_target.lambda',
  'aws_cloudwatch_event_target.queue',
  'aws_cloudwatch_event_target.redshift',
  'aws_cloudwatch_event_target.run_command',
  'aws_cloudwatch_event_target.sagemaker',
  'aws_cloudwatch_event_target.schedule',
];
// Only what has something to update: tf-shared and the two tf-global buses have no updatable argument.
const unchangedInUpdate = ['aws_cloudwatch_event_bus.global_primary', 'aws_cloudwatch_event_bus.global_secondary', 'aws_cloudwatch_event_bus.shared'];

const policyOf = async (client: EventBridgeClient, bus: string) => JSON.parse((await client.send(new DescribeEventBusCommand({ Name: bus }))).Policy ?? 'null');
const targetsOf = async (rule: string, bus?: string) => {
  const { Targets } = await east.send(new ListTargetsByRuleCommand({ Rule: rule, EventBusName: bus }));
  return new Map((Targets ?? []).map((t): [string, Target] => [t.Id!, t]));
};

/** What the emulator must hold after applying `generation` (a sample of every resource's arguments). */
async function expectGeneration(g: number): Promise<void> {
  const orders = await east.send(new DescribeEventBusCommand({ Name: 'tf-orders' }));
  expect(orders.Description).toBe(`orders, generation ${g}`);
  expect(orders.DeadLetterConfig).toEqual({ Arn: `arn:aws:sqs:us-east-1:${account}:tf-bus-dlq-${g}` });
  expect((await east.send(new ListTagsForResourceCommand({ ResourceARN: orders.Arn }))).Tags).toEqual(
    expect.arrayContaining([{ Key: 'generation', Value: String(g) }, { Key: 'team', Value: 'checkout' }]),
  );
  expect((await east.send(new DescribeEventBusCommand({ Name: 'tf-kms' }))).KmsKeyIdentifier).toBe(
    `arn:aws:kms:us-east-1:${account}:key/1234abcd-12ab-34cd-56ef-1234567890a${g}`,
  );
  // The secondary provider found the emulator through AWS_ENDPOINT_URL_EVENTBRIDGE.
  expect((await west.send(new DescribeEventBusCommand({ Name: 'tf-global' }))).Arn).toBe(`arn:aws:events:us-west-2:${account}:event-bus/tf-global`);

  const pattern = await east.send(new DescribeRuleCommand({ Name: 'tf-order-placed', EventBusName: 'tf-orders' }));
  expect(pattern.State).toBe(g === 1 ? 'ENABLED' : 'DISABLED');
  expect(JSON.parse(pattern.EventPattern!)['detail-type']).toEqual(g === 1 ? ['Order Placed'] : ['Order Placed', 'Order Updated']);
  const schedule = await east.send(new DescribeRuleCommand({ Name: 'tf-nightly' }));
  expect(schedule).toMatchObject({ ScheduleExpression: g === 1 ? 'rate(5 minutes)' : 'cron(0 3 * * ? *)', RoleArn: `arn:aws:iam::${account}:role/tf-scheduler-${g}` });

  const queue = (await targetsOf('tf-order-placed', 'tf-orders')).get('orders-queue')!;
  expect(queue.InputTransformer!.InputTemplate).toContain(g === 1 ? '<total>}' : '"generation": 2');
  expect(queue.RetryPolicy).toEqual(g === 1 ? { MaximumEventAgeInSeconds: 3600, MaximumRetryAttempts: 10 } : { MaximumEventAgeInSeconds: 7200, MaximumRetryAttempts: 3 });
  expect(queue.DeadLetterConfig).toEqual({ Arn: `arn:aws:sqs:us-east-1:${account}:tf-target-dlq-${g}` });
  const nightly = (await targetsOf('tf-nightly')).get('nightly-api')!;
  expect(nightly.HttpParameters!.HeaderParameters).toEqual({ 'X-Generation': String(g) });
  expect(JSON.parse(nightly.Input!)).toEqual({ job: 'nightly', generation: g });

  const { Rules } = await east.send(new ListRulesCommand({ EventBusName: 'tf-orders', NamePrefix: 'tf-targets-' }));
  expect(Rules).toHaveLength(1);
  const kinds = await targetsOf(Rules![0].Name!, 'tf-orders');
  expect(kinds.get('fifo')).toMatchObject({ InputPath: g === 1 ? '$.detail' : '$.detail.order', SqsParameters: { MessageGroupId: `group-${g}` } });
  // The provider leaves false and 0 out of its requests: false shows as absent.
  expect(kinds.get('ecs')!.EcsParameters!.EnableExecuteCommand ?? false).toBe(g === 2);
  expect(kinds.get('kinesis')!.KinesisParameters).toEqual({ PartitionKeyPath: `$.detail.id${g}` });
  expect(kinds.get('ecs')!.EcsParameters).toMatchObject({
    TaskCount: g,
    TaskDefinitionArn: `arn:aws:ecs:us-east-1:${account}:task-definition/tf:${g}`,
    Group: `group-${g}`,
    CapacityProviderStrategy: [{ capacityProvider: 'FARGATE_SPOT', weight: g, base: g }],
    PlacementConstraints: [{ type: 'memberOf', expression: `attribute:ecs.instance-type =~ t${g}.*` }],
    NetworkConfiguration: { awsvpcConfiguration: { Subnets: [`subnet-0123456${g}`], SecurityGroups: [`sg-0123456${g}`], AssignPublicIp: 'DISABLED' } },
    Tags: [{ Key: 'generation', Value: String(g) }],
  });
  expect(kinds.get('batch')!.BatchParameters).toMatchObject({ JobName: `job-${g}`, RetryStrategy: { Attempts: g } });
  expect(kinds.get('run-command')!.RunCommandParameters).toEqual({ RunCommandTargets: [{ Key: 'tag:Env', Values: [`g${g}`] }] });
  expect(await east.send(new DescribeRuleCommand({ Name: 'tf-more-targets' }))).toMatchObject({
    Description: `more targets, generation ${g}`,
    State: g === 1 ? 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS' : 'ENABLED',
  });
  const more = await targetsOf('tf-more-targets');
  expect(more.get('sagemaker')!.SageMakerPipelineParameters).toEqual({ PipelineParameterList: [{ Name: 'generation', Value: `v${g}` }] });
  expect(more.get('redshift')!.RedshiftDataParameters).toMatchObject({ Sql: `select ${g}`, StatementName: `statement-${g}` });
  expect(more.get('redshift')!.RedshiftDataParameters!.WithEvent ?? false).toBe(g === 2);
  expect(more.get('appsync')!.AppSyncParameters).toEqual({ GraphQLOperation: `mutation Record { record(generation: ${g}) { id } }` });
  expect(more.get('lambda')!.InputTransformer).toMatchObject({ InputTemplate: `"generation ${g} of <aws.events.rule-name>"` });
  expect(more.get('api-gateway')!.HttpParameters).toMatchObject({ PathParameterValues: [`$.detail.id${g}`], QueryStringParameters: { generation: String(g) } });

  const apiKey = await east.send(new DescribeConnectionCommand({ Name: 'tf-api-key' }));
  expect(apiKey).toMatchObject({
    Description: `api key, generation ${g}`,
    ConnectionState: 'AUTHORIZED',
    KmsKeyIdentifier: `arn:aws:kms:us-east-1:${account}:key/1234abcd-12ab-34cd-56ef-1234567890c${g}`,
    AuthParameters: { ApiKeyAuthParameters: { ApiKeyName: 'x-api-key' } },
  });
  const basic = await east.send(new DescribeConnectionCommand({ Name: 'tf-basic' }));
  expect(basic.AuthParameters!.BasicAuthParameters).toEqual({ Username: `user-${g}` });
  const oauth = await east.send(new DescribeConnectionCommand({ Name: 'tf-oauth' }));
  expect(oauth.AuthParameters!.OAuthParameters).toMatchObject({ ClientParameters: { ClientID: `client-${g}` }, AuthorizationEndpoint: `${sink.url}/oauth/token` });
  expect(oauth.AuthParameters!.OAuthParameters!.OAuthHttpParameters!.BodyParameters).toEqual([{ Key: 'scope', Value: `orders:${g}`, IsValueSecret: false }]);

  expect(await east.send(new DescribeApiDestinationCommand({ Name: 'tf-webhook' }))).toMatchObject({
    HttpMethod: g === 1 ? 'POST' : 'PUT',
    InvocationEndpoint: `${sink.url}/hooks/${g}`,
    InvocationRateLimitPerSecond: g === 1 ? 20 : 5,
  });
  const archive = await east.send(new DescribeArchiveCommand({ ArchiveName: 'tf-orders-archive' }));
  expect(archive).toMatchObject({ RetentionDays: g === 1 ? 7 : 30, Description: `archive, generation ${g}` });
  expect(JSON.parse(archive.EventPattern!)).toEqual({ source: g === 1 ? ['tf.shop'] : ['tf.shop', 'tf.warehouse'] });

  const principal = g === 1 ? '111122223333' : '444455556666';
  expect((await policyOf(east, 'tf-orders')).Statement).toEqual([expect.objectContaining({ Sid: 'tf-partner', Principal: { AWS: `arn:aws:iam::${principal}:root` } })]);
  expect((await policyOf(east, 'tf-shared')).Statement).toEqual([expect.objectContaining({ Sid: `tf-shared-${g}`, Principal: { AWS: `arn:aws:iam::${principal}:root` } })]);
  expect((await policyOf(east, 'default')).Statement).toEqual([
    expect.objectContaining({ Sid: 'tf-organization', Principal: '*', Condition: { StringEquals: { 'aws:PrincipalOrgID': `o-1234567${g}` } } }),
  ]);

  const endpoint = await east.send(new DescribeEndpointCommand({ Name: 'tf-global-endpoint' }));
  expect(endpoint).toMatchObject({
    State: 'ACTIVE',
    Description: `global endpoint, generation ${g}`,
    RoleArn: `arn:aws:iam::${account}:role/tf-replication-${g}`,
    ReplicationConfig: { State: g === 1 ? 'ENABLED' : 'DISABLED' },
    RoutingConfig: { FailoverConfig: { Primary: { HealthCheck: `arn:aws:route53:::healthcheck/tf-primary-${g}` }, Secondary: { Route: 'us-west-2' } } },
  });
}

describe('terraform (AWS provider 5.100.0)', () => {
  test('init installs the provider from the filesystem mirror, offline', async () => {
    const result = await workspace.terraform(['init', '-input=false'], step);
    if (result.code !== 0) throw new Error(explain('init', result));
    expect(result.stdout).toMatch(/Installing hashicorp\/aws v5\.100\.0/);
  }, step);

  test('apply creates every resource as configured', async () => {
    const { actions, summary } = await applying('apply', 1);
    expect([...actions.keys()].sort()).toEqual(resources);
    expect(new Set(actions.values())).toEqual(new Set(['create']));
    expect(summary).toMatchObject({ add: resources.length, change: 0, remove: 0 });
    await expectGeneration(1);
  }, step);

  test('plan shows no drift', () => expectNoDrift(1), step);

  test('an update of every resource is applied in place', async () => {
    // The no-drift plan just refreshed the state: no need to read everything again.
    const { actions, summary } = await applying('apply', 2, { refresh: false });
    const updated = resources.filter((r) => !unchangedInUpdate.includes(r));
    expect([...actions.keys()].sort()).toEqual(updated);
    expect(new Set(actions.values())).toEqual(new Set(['update']));
    expect(summary).toMatchObject({ add: 0, change: updated.length, remove: 0 });
    await expectGeneration(2);
  }, step);

  test('plan shows no drift after the update', () => expectNoDrift(2), step);

  test('destroy leaves nothing', async () => {
    const { summary } = await applying('destroy', 2, { refresh: false });
    expect(summary).toMatchObject({ add: 0, change: 0, remove: resources.length });
    for (const client of [east, west]) {
      expect((await client.send(new ListEventBusesCommand({}))).EventBuses!.map((b) => b.Name)).toEqual(['default']);
      expect((await client.send(new ListRulesCommand({}))).Rules).toEqual([]);
      expect((await client.send(new ListConnectionsCommand({}))).Connections).toEqual([]);
      expect((await client.send(new ListApiDestinationsCommand({}))).ApiDestinations).toEqual([]);
      expect((await client.send(new ListArchivesCommand({}))).Archives).toEqual([]);
      expect(await policyOf(client, 'default')).toBeNull();
    }
    expect((await east.send(new ListEndpointsCommand({ HomeRegion: 'us-east-1' }))).Endpoints).toEqual([]);
  }, step);

  test('nothing tried to leave the machine', () => {
    expect(guard.attempts).toEqual([]);
  });
});
