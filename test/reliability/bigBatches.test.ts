/**
 * Issue 18 item 5: one journal batch of hundreds of thousands of operations. The batch used to
 * be built with `lines.push(...ops)`, which throws RangeError past ~125,000 arguments; the batch
 * was never cleared, every later write answered 500, and a fire-and-forget persist() killed the
 * process. The emulator runs here with `node --unhandled-rejections=strict`, so any unhandled
 * rejection ends it, through both reproductions of the report; afterwards it must still answer,
 * still write, and a restart must find what it wrote.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateEventBusCommand, DescribeEventBusCommand, EventBridgeClient, PutEventsCommand, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { startProcess, type ServerProcess } from '../helpers/process.js';
import { inspect } from '../helpers/inspect.js';
import { JournalBatch } from '../../src/store/deliveryRecords.js';

const strict = ['--unhandled-rejections=strict'];
const tempDir = () => mkdtempSync(join(tmpdir(), 'ebl-big-'));
const queue = (i: number) => `arn:aws:sqs:us-east-1:000000000000:q${i}`;
const fiveQueues = () => Array.from({ length: 5 }, (_, i) => ({ Id: `q${i}`, Arn: queue(i) }));

let running: ServerProcess | undefined;
const clients: EventBridgeClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  await running?.stop();
  running = undefined;
});

function clientOf(url: string): EventBridgeClient {
  const client = new EventBridgeClient({ endpoint: url, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 });
  clients.push(client);
  return client;
}

async function start(dataDir: string): Promise<{ url: string; client: EventBridgeClient }> {
  running = await startProcess(['--port', '0', '--data-dir', dataDir, '--log-level', 'warn'], {}, strict);
  return { url: running.url, client: clientOf(running.url) };
}

const captured = async (url: string, targetArn: string): Promise<number> =>
  (await inspect(url, `captures?targetArn=${encodeURIComponent(targetArn)}&limit=1000`)).captures.length;

async function advance(url: string, seconds: number): Promise<void> {
  const res = await fetch(`${url}/_eventbridge-local/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ advanceSeconds: seconds }) });
  expect(res.status).toBe(200);
}

/** Still alive and still writing: a control-plane change is acknowledged and survives a restart. */
async function stillWrites(dataDir: string, url: string, client: EventBridgeClient, name: string): Promise<void> {
  expect(running!.child.exitCode).toBeNull();
  expect((await fetch(`${url}/_eventbridge-local/health`)).status).toBe(200);
  await client.send(new CreateEventBusCommand({ Name: name }));
  await running!.stop();
  expect(running!.stderr()).not.toMatch(/RangeError|Unhandled|unhandled/);
  const again = await start(dataDir);
  expect((await again.client.send(new DescribeEventBusCommand({ Name: name }))).Name).toBe(name);
}

test('a batch is written in bounded chunks, whatever its size', () => {
  const ops = Array.from({ length: 300_000 }, (_, i) => `{"o":"cr","i":${i}}`);
  const batch = new JournalBatch(false, ops, new Map(), 0);
  let lines = 0;
  let chunks = 0;
  for (const chunk of batch.chunks()) {
    chunks++;
    const n = chunk.toString('utf8').split('\n').length - 1;
    expect(n).toBeLessThanOrEqual(2_000);
    lines += n;
  }
  expect(lines).toBe(300_000);
  expect(chunks).toBe(150);
});

test('a rate(1 minute) rule with 5 SQS targets, then a 30-day clock advance: alive, writing, nothing unhandled', async () => {
  const dataDir = tempDir();
  const { url, client } = await start(dataDir);
  await client.send(new PutRuleCommand({ Name: 'every-minute', ScheduleExpression: 'rate(1 minute)' }));
  await client.send(new PutTargetsCommand({ Rule: 'every-minute', Targets: fiveQueues() }));
  await advance(url, 2_592_000);
  const fired = await captured(url, queue(0));
  expect(fired).toBeGreaterThan(0);
  await stillWrites(dataDir, url, client, 'after-advance');
  // What the advance captured was written too.
  expect(await captured(running!.url, queue(0))).toBe(fired);
}, 300_000);

test('16 concurrent PutEvents of 10 entries on a bus with 300 rules x 5 targets (240,000 captures): alive, writing, nothing unhandled', async () => {
  const dataDir = tempDir();
  const { url, client } = await start(dataDir);
  await client.send(new CreateEventBusCommand({ Name: 'wide' }));
  for (let r = 0; r < 300; r++) {
    await client.send(new PutRuleCommand({ Name: `r${r}`, EventBusName: 'wide', EventPattern: '{"source":["wide"]}' }));
    await client.send(new PutTargetsCommand({ Rule: `r${r}`, EventBusName: 'wide', Targets: fiveQueues().map((t) => ({ ...t, Arn: `${t.Arn}-${r}` })) }));
  }
  const entries = Array.from({ length: 10 }, (_, i) => ({ EventBusName: 'wide', Source: 'wide', DetailType: 'd', Detail: JSON.stringify({ i }) }));
  const results = await Promise.all(Array.from({ length: 16 }, () => client.send(new PutEventsCommand({ Entries: entries }))));
  for (const res of results) expect(res.FailedEntryCount).toBe(0);
  expect(await captured(url, `${queue(3)}-299`)).toBe(160);
  await stillWrites(dataDir, url, client, 'after-fan-out');
  expect(await captured(running!.url, `${queue(3)}-299`)).toBe(160);
}, 300_000);
