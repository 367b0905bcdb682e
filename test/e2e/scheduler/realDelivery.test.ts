/** A schedule's SQS target with SQS at an endpoint (a real moto_server on loopback): the message really arrives. */
import { CreateQueueCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { CreateScheduleCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { startEmulator } from '../../helpers/emulator.js';
import { type Moto, startMotoWithSqs, stopMotoWithSqs } from '../../helpers/moto.js';

let moto: Moto;
let sqs: SQSClient;
beforeAll(async () => ({ moto, sqs } = await startMotoWithSqs()), 90_000);
afterAll(() => stopMotoWithSqs(moto, sqs));

test('the SQS target of a rate schedule gets its Input as the message body, on each invocation', async () => {
  const emu = await startEmulator({ serviceEndpoints: { sqs: moto.url } });
  const client = new SchedulerClient({ endpoint: emu.url, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'x' }, maxAttempts: 1 });
  try {
    const name = `sched-${process.pid}`;
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name }));
    const arn = `arn:aws:sqs:us-east-1:000000000000:${name}`;
    const start = Math.ceil(emu.emulator.clock.now() / 1000) * 1000 + 60_000;
    const created = await client.send(
      new CreateScheduleCommand({
        Name: 'to-sqs',
        ScheduleExpression: 'rate(5 minutes)',
        StartDate: new Date(start),
        FlexibleTimeWindow: { Mode: 'OFF' },
        Target: { Arn: arn, RoleArn: 'arn:aws:iam::000000000000:role/s', Input: '{"schedule":"<aws.scheduler.schedule-arn>","at":"<aws.scheduler.scheduled-time>"}' },
      }),
    );
    emu.emulator.clock.advance(6 * 60_000 + 1000);
    await emu.emulator.engine.idle();
    await emu.emulator.engine.idle();
    const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
    const bodies = (Messages ?? []).map((m) => JSON.parse(m.Body!)).sort((a, b) => (a.at < b.at ? -1 : 1));
    expect(bodies).toEqual([
      { schedule: created.ScheduleArn, at: new Date(start).toISOString().replace('.000Z', 'Z') },
      { schedule: created.ScheduleArn, at: new Date(start + 300_000).toISOString().replace('.000Z', 'Z') },
    ]);
  } finally {
    client.destroy();
    await emu.close();
  }
}, 60_000);
