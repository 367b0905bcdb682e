/**
 * Terraform end to end for aws_scheduler_schedule_group and aws_scheduler_schedule (provider 5.100.0):
 * apply -> no drift -> in-place update -> no drift -> destroy, reading back with the JS SDK after
 * each step. Offline, as test/e2e/terraform.test.ts: the provider from the local mirror, and a
 * proxy guard that records anything headed off the machine (the test asserts it saw nothing).
 */
import { fileURLToPath } from 'node:url';
import { GetScheduleCommand, ListScheduleGroupsCommand, ListTagsForResourceCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { useTerraformLifecycle } from '../../helpers/terraform.js';

const configDir = fileURLToPath(new URL('../../terraform-scheduler', import.meta.url));
const account = '123456789012';
const step = 10 * 60_000;

const run = useTerraformLifecycle(configDir, (url) => new SchedulerClient({ endpoint: url, region: 'us-east-1', credentials: { accessKeyId: account, secretAccessKey: 'x' }, maxAttempts: 1 }), step);
const { tf, apply, noDrift, destroy } = run;

test('apply, no drift, update in place, no drift, destroy', async () => {
  await tf(['init', '-input=false']);
  await apply(1);
  const arn = `arn:aws:scheduler:us-east-1:${account}:schedule-group/tf-team`;
  expect((await run.client.send(new ListTagsForResourceCommand({ ResourceArn: arn }))).Tags).toEqual([{ Key: 'generation', Value: '1' }]);
  expect(await run.client.send(new GetScheduleCommand({ Name: 'tf-nightly', GroupName: 'tf-team' }))).toMatchObject({
    ScheduleExpression: 'cron(0 2 * * ? *)',
    ScheduleExpressionTimezone: 'Europe/Berlin',
    State: 'ENABLED',
    FlexibleTimeWindow: { Mode: 'OFF' },
    Target: { RetryPolicy: { MaximumRetryAttempts: 10, MaximumEventAgeInSeconds: 3600 }, DeadLetterConfig: { Arn: `arn:aws:sqs:us-east-1:${account}:tf-dlq` } },
  });
  await noDrift(1);

  await apply(2);
  expect(await run.client.send(new GetScheduleCommand({ Name: 'tf-nightly', GroupName: 'tf-team' }))).toMatchObject({
    ScheduleExpression: 'rate(6 hours)',
    State: 'DISABLED',
    Description: 'generation 2',
    FlexibleTimeWindow: { Mode: 'FLEXIBLE', MaximumWindowInMinutes: 15 },
    Target: { Input: '{"generation":2}', RetryPolicy: { MaximumRetryAttempts: 3 } },
  });
  expect((await run.client.send(new ListTagsForResourceCommand({ ResourceArn: arn }))).Tags).toEqual([{ Key: 'generation', Value: '2' }]);
  await noDrift(2);

  await destroy(2);
  expect((await run.client.send(new ListScheduleGroupsCommand({}))).ScheduleGroups?.map((g) => g.Name)).toEqual(['default']);
  expect(run.guard.attempts).toEqual([]);
}, 6 * step);
