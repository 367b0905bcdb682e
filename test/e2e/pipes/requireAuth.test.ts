/** The Pipes API under --require-auth: signed right, the caller is the key's account; a wrong secret or no signature is refused and changes nothing; each REST-JSON API checks its own signing service. */
import { CreatePipeCommand, ListPipesCommand, PipesClient } from '@aws-sdk/client-pipes';
import { ListScheduleGroupsCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { useEmulator } from '../../helpers/emulator.js';

const emu = useEmulator({ requireAuth: true, credentials: [{ accessKeyId: '111122223333', secretAccessKey: 'account-secret' }] });
const clients: PipesClient[] = [];
afterAll(() => clients.forEach((c) => c.destroy()));

function pipes(secretAccessKey: string) {
  const c = new PipesClient({ endpoint: emu.url, region: 'us-east-1', credentials: { accessKeyId: '111122223333', secretAccessKey }, maxAttempts: 1 });
  clients.push(c);
  return c;
}

const input = { Name: 'signed', Source: 'arn:aws:sqs:us-east-1:111122223333:q', Target: 'arn:aws:sqs:us-east-1:111122223333:out', RoleArn: 'arn:aws:iam::111122223333:role/p', DesiredState: 'STOPPED' as const };

test('signed with the right secret: the pipe is in the key\'s account; a wrong secret and an unsigned call are refused', async () => {
  const created = await pipes('account-secret').send(new CreatePipeCommand(input));
  expect(created.Arn).toBe('arn:aws:pipes:us-east-1:111122223333:pipe/signed');
  const wrong = await pipes('not-the-secret').send(new CreatePipeCommand({ ...input, Name: 'forged' })).catch((e) => e);
  expect(wrong.name).toBe('InvalidSignatureException');
  expect(wrong.message).toMatch(/signature we calculated does not match/);
  // The same error and status as the events API gives (src/errors.ts authErrors).
  expect(wrong.$metadata.httpStatusCode).toBe(400);
  const unsigned = await fetch(`${emu.url}/v1/pipes/unsigned`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(input) });
  expect(unsigned.status).toBeGreaterThanOrEqual(400);
  expect(unsigned.headers.get('x-amzn-errortype')).toMatch(/MissingAuthenticationToken|IncompleteSignature/);
  expect((await pipes('account-secret').send(new ListPipesCommand({}))).Pipes?.map((p) => p.Name)).toEqual(['signed']);
});

test('the shared REST-JSON wire checks each API\'s own signing service: Scheduler signed for scheduler works too', async () => {
  const scheduler = new SchedulerClient({ endpoint: emu.url, region: 'us-east-1', credentials: { accessKeyId: '111122223333', secretAccessKey: 'account-secret' }, maxAttempts: 1 });
  try {
    expect((await scheduler.send(new ListScheduleGroupsCommand({}))).ScheduleGroups?.map((g) => g.Name)).toEqual(['default']);
  } finally {
    scheduler.destroy();
  }
});
