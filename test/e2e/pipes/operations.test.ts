/** Every Pipes operation, its states over the virtual clock and its errors, through @aws-sdk/client-pipes against the running server. */
import {
  CreatePipeCommand,
  DeletePipeCommand,
  DescribePipeCommand,
  ListPipesCommand,
  type ListPipesCommandInput,
  ListTagsForResourceCommand,
  PipesClient,
  StartPipeCommand,
  StopPipeCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdatePipeCommand,
} from '@aws-sdk/client-pipes';
import { expectAwsError, useEmulator } from '../../helpers/emulator.js';

const emu = useEmulator();
const clients: PipesClient[] = [];
afterAll(() => clients.forEach((c) => c.destroy()));

function pipes(accessKeyId = 'test', region = 'us-east-1') {
  const c = new PipesClient({ endpoint: emu.url, region, credentials: { accessKeyId, secretAccessKey: 'test-secret' }, maxAttempts: 1 });
  clients.push(c);
  return c;
}

const queue = 'arn:aws:sqs:us-east-1:000000000000:orders';
const bus = 'arn:aws:events:us-east-1:000000000000:event-bus/default';
const role = 'arn:aws:iam::000000000000:role/pipe';
const base = { Source: queue, Target: bus, RoleArn: role };

/** Move the emulator's clock past the transition a call started. */
const pastTransition = () => emu.emulator.clock.advanceSettled(1_000, async () => undefined);
async function stateOf(c: PipesClient, name: string) {
  const d = await c.send(new DescribePipeCommand({ Name: name }));
  return [d.CurrentState, d.DesiredState, d.StateReason];
}

test('CreatePipe answers CREATING; the pipe gets to STOPPED (DesiredState) on the clock, or CREATE_FAILED when its source cannot be read', async () => {
  const c = pipes();
  const created = await c.send(new CreatePipeCommand({ Name: 'p1', ...base, DesiredState: 'STOPPED', Description: 'orders', Tags: { team: 'a' } }));
  expect(created).toMatchObject({ Arn: 'arn:aws:pipes:us-east-1:000000000000:pipe/p1', Name: 'p1', CurrentState: 'CREATING', DesiredState: 'STOPPED' });
  expect(created.CreationTime).toBeInstanceOf(Date);
  expect(await stateOf(c, 'p1')).toEqual(['CREATING', 'STOPPED', undefined]);
  await pastTransition();
  expect(await stateOf(c, 'p1')).toEqual(['STOPPED', 'STOPPED', undefined]);
  const d = await c.send(new DescribePipeCommand({ Name: 'p1' }));
  expect(d).toMatchObject({ Source: queue, Target: bus, RoleArn: role, Description: 'orders', Tags: { team: 'a' } });

  // RUNNING is the default DesiredState; with no SQS endpoint configured the source cannot be read.
  await c.send(new CreatePipeCommand({ Name: 'p2', ...base }));
  await pastTransition();
  const [state, desired, reason] = await stateOf(c, 'p2');
  expect([state, desired]).toEqual(['CREATE_FAILED', 'RUNNING']);
  expect(reason).toMatch(/No sqs endpoint is configured/);
});

test('StartPipe / StopPipe move through STARTING and STOPPING; a call during a transition is a ConflictException', async () => {
  const c = pipes();
  await c.send(new CreatePipeCommand({ Name: 'p', ...base, DesiredState: 'STOPPED' }));
  const conflict = await c.send(new StartPipeCommand({ Name: 'p' })).catch((e) => e);
  expect(conflict.name).toBe('ConflictException');
  expect(conflict.$metadata.httpStatusCode).toBe(409);
  expect(conflict).toMatchObject({ resourceId: 'p', resourceType: 'pipe' });
  await pastTransition();
  expect(await c.send(new StartPipeCommand({ Name: 'p' }))).toMatchObject({ CurrentState: 'STARTING', DesiredState: 'RUNNING' });
  await pastTransition();
  // Still no SQS endpoint: the start fails, with the reason.
  expect((await stateOf(c, 'p')).slice(0, 2)).toEqual(['START_FAILED', 'RUNNING']);
  expect(await c.send(new StopPipeCommand({ Name: 'p' }))).toMatchObject({ CurrentState: 'STOPPING', DesiredState: 'STOPPED' });
  await pastTransition();
  expect(await stateOf(c, 'p')).toEqual(['STOPPED', 'STOPPED', undefined]);
});

test('UpdatePipe changes what it names and keeps the rest; an empty Enrichment removes the enrichment; UPDATING then the desired state', async () => {
  const c = pipes();
  const filter = { Filters: [{ Pattern: '{"body":{"kind":["order"]}}' }] };
  await c.send(new CreatePipeCommand({ Name: 'u', ...base, DesiredState: 'STOPPED', Enrichment: 'arn:aws:events:us-east-1:000000000000:api-destination/d/1', SourceParameters: { FilterCriteria: filter, SqsQueueParameters: { BatchSize: 5 } } }));
  await pastTransition();
  const before = (await c.send(new DescribePipeCommand({ Name: 'u' }))).LastModifiedTime!;
  await emu.emulator.clock.advanceSettled(5_000, async () => undefined);
  const updated = await c.send(new UpdatePipeCommand({ Name: 'u', RoleArn: role, Description: 'new', SourceParameters: { SqsQueueParameters: { BatchSize: 7 } } }));
  expect(updated).toMatchObject({ CurrentState: 'UPDATING', DesiredState: 'STOPPED' });
  await pastTransition();
  const d = await c.send(new DescribePipeCommand({ Name: 'u' }));
  expect(d).toMatchObject({ CurrentState: 'STOPPED', Description: 'new', Enrichment: 'arn:aws:events:us-east-1:000000000000:api-destination/d/1', SourceParameters: { FilterCriteria: filter, SqsQueueParameters: { BatchSize: 7 } } });
  expect(d.LastModifiedTime!.getTime()).toBeGreaterThan(before.getTime());
  await c.send(new UpdatePipeCommand({ Name: 'u', RoleArn: role, Enrichment: '' }));
  await pastTransition();
  expect((await c.send(new DescribePipeCommand({ Name: 'u' }))).Enrichment).toBeUndefined();
});

test('DeletePipe answers DELETING and the pipe is gone after the transition; then NotFoundException', async () => {
  const c = pipes();
  await c.send(new CreatePipeCommand({ Name: 'd', ...base, DesiredState: 'STOPPED' }));
  await pastTransition();
  expect(await c.send(new DeletePipeCommand({ Name: 'd' }))).toMatchObject({ CurrentState: 'DELETING' });
  expect((await c.send(new ListPipesCommand({}))).Pipes?.map((p) => [p.Name, p.CurrentState])).toEqual([['d', 'DELETING']]);
  await pastTransition();
  await expectAwsError(c.send(new DescribePipeCommand({ Name: 'd' })), 'NotFoundException', 'Pipe d does not exist.', 404);
  await expectAwsError(c.send(new DeletePipeCommand({ Name: 'd' })), 'NotFoundException', 'Pipe d does not exist.', 404);
  expect((await c.send(new ListPipesCommand({}))).Pipes).toEqual([]);
});

test('CreatePipe of an existing name is a ConflictException; accounts and regions are namespaces', async () => {
  const c = pipes();
  await c.send(new CreatePipeCommand({ Name: 'same', ...base, DesiredState: 'STOPPED' }));
  const err = await c.send(new CreatePipeCommand({ Name: 'same', ...base })).catch((e) => e);
  expect(err).toMatchObject({ name: 'ConflictException', resourceId: 'same', resourceType: 'pipe' });
  const other = pipes('111111111111', 'eu-west-1');
  const created = await other.send(new CreatePipeCommand({ Name: 'same', ...base, DesiredState: 'STOPPED' }));
  expect(created.Arn).toBe('arn:aws:pipes:eu-west-1:111111111111:pipe/same');
  expect((await other.send(new ListPipesCommand({}))).Pipes?.map((p) => p.Arn)).toEqual([created.Arn]);
});

test('ListPipes filters by name, source and target prefix, desired and current state, and pages with Limit/NextToken', async () => {
  const c = pipes();
  for (const n of ['a1', 'a2', 'a3', 'b1']) {
    await c.send(new CreatePipeCommand({ Name: n, ...base, Target: n === 'a3' ? 'arn:aws:sqs:us-east-1:000000000000:out' : bus, DesiredState: n === 'a2' ? 'RUNNING' : 'STOPPED' }));
  }
  await pastTransition();
  const names = async (input: ListPipesCommandInput) => (await c.send(new ListPipesCommand(input))).Pipes?.map((p) => p.Name);
  expect(await names({ NamePrefix: 'a' })).toEqual(['a1', 'a2', 'a3']);
  expect(await names({ TargetPrefix: 'arn:aws:sqs' })).toEqual(['a3']);
  expect(await names({ SourcePrefix: 'arn:aws:sqs:us-east-1:000000000000:ord' })).toEqual(['a1', 'a2', 'a3', 'b1']);
  expect(await names({ DesiredState: 'RUNNING' })).toEqual(['a2']);
  expect(await names({ CurrentState: 'CREATE_FAILED' })).toEqual(['a2']);
  const first = await c.send(new ListPipesCommand({ Limit: 3 }));
  expect(first.Pipes?.map((p) => p.Name)).toEqual(['a1', 'a2', 'a3']);
  expect(first.Pipes?.[0]).toMatchObject({ Source: queue, Target: bus, CurrentState: 'STOPPED', DesiredState: 'STOPPED' });
  const second = await c.send(new ListPipesCommand({ Limit: 3, NextToken: first.NextToken }));
  expect(second.Pipes?.map((p) => p.Name)).toEqual(['b1']);
  expect(second.NextToken).toBeUndefined();
});

test('tags: TagResource, ListTagsForResource, UntagResource on a pipe; an unknown ARN is NotFoundException', async () => {
  const c = pipes();
  const { Arn } = await c.send(new CreatePipeCommand({ Name: 't', ...base, DesiredState: 'STOPPED', Tags: { a: '1' } }));
  await c.send(new TagResourceCommand({ resourceArn: Arn, tags: { b: '2', __proto__: 'x' } as Record<string, string> }));
  expect((await c.send(new ListTagsForResourceCommand({ resourceArn: Arn }))).tags).toEqual({ a: '1', b: '2' });
  await c.send(new UntagResourceCommand({ resourceArn: Arn, tagKeys: ['a'] }));
  expect((await c.send(new ListTagsForResourceCommand({ resourceArn: Arn }))).tags).toEqual({ b: '2' });
  await expectAwsError(c.send(new ListTagsForResourceCommand({ resourceArn: 'arn:aws:pipes:us-east-1:000000000000:pipe/none' })), 'NotFoundException', /does not exist/, 404);
});

test('validation from the model: ValidationException with AWS\'s message and a fieldList; nothing is created', async () => {
  const c = pipes();
  const err = await c.send(new CreatePipeCommand({ Name: 'bad name!', Source: queue, Target: bus, RoleArn: 'role' })).catch((e) => e);
  expect(err.name).toBe('ValidationException');
  expect(err.$metadata.httpStatusCode).toBe(400);
  expect(err.message).toMatch(/^2 validation errors detected: Value 'bad name!' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: /);
  expect(err.fieldList).toEqual([
    { name: 'name', message: expect.stringMatching(/^Value 'bad name!' at 'name'/) },
    { name: 'roleArn', message: expect.stringMatching(/^Value 'role' at 'roleArn'/) },
  ]);
  const badFilter = await c.send(new CreatePipeCommand({ Name: 'f', ...base, SourceParameters: { FilterCriteria: { Filters: [{ Pattern: '{"a": []}' }] } } })).catch((e) => e);
  expect(badFilter.name).toBe('ValidationException');
  expect(badFilter.message).toMatch(/Empty arrays are not allowed/);
  expect(badFilter.fieldList[0].name).toBe('sourceParameters.filterCriteria.filters.1.member.pattern');
  expect((await c.send(new ListPipesCommand({}))).Pipes).toEqual([]);
});
