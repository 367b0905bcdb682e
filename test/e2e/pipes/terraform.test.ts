/**
 * Terraform end to end for aws_pipes_pipe (provider 5.100.0): apply -> no drift -> in-place
 * update -> no drift -> destroy, reading back with the JS SDK after each step. Offline, as
 * test/e2e/scheduler/terraform.test.ts: the provider from the local mirror, and a proxy guard
 * that records anything headed off the machine (the test asserts it saw nothing). The provider
 * waits on the pipe's CurrentState (CREATING -> STOPPED, UPDATING -> STOPPED, DELETING -> gone).
 */
import { fileURLToPath } from 'node:url';
import { DescribePipeCommand, ListPipesCommand, PipesClient } from '@aws-sdk/client-pipes';
import { useTerraformLifecycle } from '../../helpers/terraform.js';

const configDir = fileURLToPath(new URL('../../terraform-pipes', import.meta.url));
const account = '123456789012';
const step = 10 * 60_000;

const run = useTerraformLifecycle(configDir, (url) => new PipesClient({ endpoint: url, region: 'us-east-1', credentials: { accessKeyId: account, secretAccessKey: 'x' }, maxAttempts: 1 }), step);
const { tf, apply, noDrift, destroy } = run;

test('apply, no drift, update in place, no drift, destroy', async () => {
  await tf(['init', '-input=false']);
  await apply(1);
  expect(await run.client.send(new DescribePipeCommand({ Name: 'tf-orders' }))).toMatchObject({
    CurrentState: 'STOPPED',
    DesiredState: 'STOPPED',
    Description: 'generation 1',
    Source: `arn:aws:sqs:us-east-1:${account}:tf-orders`,
    SourceParameters: { SqsQueueParameters: { BatchSize: 5, MaximumBatchingWindowInSeconds: 2 }, FilterCriteria: { Filters: [{ Pattern: '{"body":{"generation":[1]}}' }] } },
    TargetParameters: { InputTemplate: '{"generation": 1}' },
    Tags: { generation: '1' },
  });
  await noDrift(1);

  await apply(2);
  expect(await run.client.send(new DescribePipeCommand({ Name: 'tf-orders' }))).toMatchObject({
    CurrentState: 'STOPPED',
    Description: 'generation 2',
    SourceParameters: { SqsQueueParameters: { BatchSize: 10 }, FilterCriteria: { Filters: [{ Pattern: '{"body":{"generation":[2]}}' }] } },
    TargetParameters: { InputTemplate: '{"generation": 2}' },
    Tags: { generation: '2' },
  });
  await noDrift(2);

  await destroy(2);
  expect((await run.client.send(new ListPipesCommand({}))).Pipes).toEqual([]);
  expect(run.guard.attempts).toEqual([]);
}, 6 * step);
