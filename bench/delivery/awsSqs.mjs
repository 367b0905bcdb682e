// bench/delivery/awsSqs.mjs: real delivery to SQS (moto_server) beside the capture path.
// Throughput: PutEvents (10 entries each, every entry matching one rule whose target is an SQS
// queue) from 16 connections until `count` events are accepted; for the SQS path the figure is
// messages visible in the queue (GetQueueAttributes, 5 times a second) divided by the time from
// the first send to the last increase seen; for the capture path the capture is made inside
// PutEvents, so it is events accepted per second of sending.
// Latency: one event at a time (`latencyEvents` of them, 200 ms apart); for SQS the time from
// sending PutEvents to the message seen by a long-polling ReceiveMessage (one message per call); for captures,
// to the capture listed by GET /_eventbridge-local/captures.
// Ceiling: the bench sending SendMessage straight to moto_server (moto, not the emulator, is the limit).
// Needs moto (`pip install 'moto[server]==5.2.1'`). Run after `npm run build`:
//   node bench/delivery/awsSqs.mjs [events] [latencyEvents] [--quick]
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { awsCall, awsOk, emulatorCommand, fmt, forEachConcurrent, freePort, percentile, quick, record, spawnAndWait, startMoto, monotonicNow } from '../lib/load.mjs';

const numbers = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const count = Number(numbers[0] ?? (quick ? 500 : 2_000));
const latencyEvents = Number(numbers[1] ?? (quick ? 50 : 150));
const SETTLE_MS = 60_000;
// Latency events are spaced well below what moto_server takes (~30 SendMessage/s on 2 shared cores), so no queue builds up.
const gapMs = 200;
const queueName = 'bench-orders';
const queueArn = `arn:aws:sqs:us-east-1:000000000000:${queueName}`;

async function startEmulatorWith(extra) {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  return spawnAndWait(process.execPath, [...emulatorCommand, '--port', String(port), '--log-level', 'silent', '--in-memory', ...extra], url, (u) => awsCall(u, 'ListRules', {}));
}

async function setUpRule(url, source = 'bench', arn = queueArn) {
  await awsOk(url, 'PutRule', { Name: `to-${source}`, EventPattern: JSON.stringify({ source: [source] }) });
  await awsOk(url, 'PutTargets', { Rule: `to-${source}`, Targets: [{ Id: 'q', Arn: arn, InputPath: '$.detail' }] });
}

const entry = (seq, source = 'bench') => ({ Source: source, DetailType: 'Tick', Detail: JSON.stringify({ seq, orderId: `o-${seq}`, total: 12 }) });

async function putBatches(url, n, offset) {
  await forEachConcurrent(n / 10, 16, async (i) => {
    const res = await awsCall(url, 'PutEvents', { Entries: Array.from({ length: 10 }, (_, k) => entry(offset + i * 10 + k)) });
    if (res.status !== 200 || JSON.parse(res.body).FailedEntryCount !== 0) throw new Error(`PutEvents -> ${res.status} ${res.body.slice(0, 200)}`);
  });
}

/** Messages visible in the queue, polled 5 times a second (cheap for moto, which a receive loop would load as much as the sends). */
async function visibleCount(sqs, queueUrl) {
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }));
  return Number(Attributes.ApproximateNumberOfMessages);
}

/**
 * One long-polling receiver asking for one message at a time: moto's long poll answers once
 * it holds MaxNumberOfMessages (or the wait is over), so 1 makes it answer on the first arrival.
 */
function receiver(sqs, queueUrl, seen) {
  let running = true;
  const done = (async () => {
    while (running) {
      const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 1, WaitTimeSeconds: 1, VisibilityTimeout: 3600 }));
      const at = monotonicNow();
      for (const m of Messages ?? []) seen(JSON.parse(m.Body).seq, at);
    }
  })();
  return async () => {
    running = false;
    await done;
  };
}

async function sqsRun(moto) {
  const sqs = new SQSClient({ endpoint: moto.url, region: 'us-east-1', credentials: { accessKeyId: '000000000000', secretAccessKey: 'x' }, maxAttempts: 1, requestHandler: new NodeHttpHandler() });
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: queueName }));
  const latencyQueue = await sqs.send(new CreateQueueCommand({ QueueName: `${queueName}-latency` }));
  const emulator = await startEmulatorWith(['--service-endpoint', `sqs=${moto.url}`]);
  try {
    await setUpRule(emulator.url);
    await setUpRule(emulator.url, 'bench-latency', `${queueArn}-latency`);
    // Throughput: until every message is visible in the queue.
    const t0 = monotonicNow();
    await putBatches(emulator.url, count, 0);
    const deadline = monotonicNow() + SETTLE_MS;
    let visible = 0;
    let last = monotonicNow();
    while (monotonicNow() < deadline) {
      const now = await visibleCount(sqs, QueueUrl);
      if (now > visible) {
        visible = now;
        last = monotonicNow();
      }
      if (visible >= count) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const throughput = { delivered: visible, perSecond: visible / ((last - t0) / 1000) };
    // Latency, one event at a time, on a queue of its own.
    const sent = new Map();
    const got = new Map();
    const stopReceiving = receiver(sqs, latencyQueue.QueueUrl, (seq, at) => got.set(seq, at));
    for (let i = 0; i < latencyEvents; i++) {
      const seq = 1_000_000 + i;
      sent.set(seq, monotonicNow());
      await awsOk(emulator.url, 'PutEvents', { Entries: [entry(seq, 'bench-latency')] });
      await new Promise((r) => setTimeout(r, gapMs));
    }
    const until = monotonicNow() + SETTLE_MS;
    while (got.size < latencyEvents && monotonicNow() < until) await new Promise((r) => setTimeout(r, 20));
    await stopReceiving();
    const latencies = [...sent].filter(([seq]) => got.has(seq)).map(([seq, at]) => got.get(seq) - at);
    return { throughput, latency: { seen: latencies.length, p50: percentile(latencies, 50), p99: percentile(latencies, 99) } };
  } finally {
    sqs.destroy();
    await emulator.stop();
  }
}

/** The ceiling: this process sending the same messages straight to moto_server (32 at once, the engine's concurrency). */
async function ceilingRun(moto) {
  const sqs = new SQSClient({ endpoint: moto.url, region: 'us-east-1', credentials: { accessKeyId: '000000000000', secretAccessKey: 'x' }, maxAttempts: 1, requestHandler: new NodeHttpHandler() });
  try {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'bench-ceiling' }));
    const t0 = monotonicNow();
    await forEachConcurrent(count, 32, (i) => sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: JSON.stringify({ seq: i, orderId: `o-${i}`, total: 12 }) })));
    return { delivered: count, perSecond: count / ((monotonicNow() - t0) / 1000) };
  } finally {
    sqs.destroy();
  }
}

async function captureRun() {
  const emulator = await startEmulatorWith([]);
  try {
    await setUpRule(emulator.url);
    const t0 = monotonicNow();
    await putBatches(emulator.url, count, 0);
    const throughput = { delivered: count, perSecond: count / ((monotonicNow() - t0) / 1000) };
    const latencies = [];
    for (let i = 0; i < latencyEvents; i++) {
      // Only this event's capture on the list: clear the records first (outside the timing).
      await fetch(`${emulator.url}/_eventbridge-local/records`, { method: 'DELETE' });
      const seq = 1_000_000 + i;
      const sentAt = monotonicNow();
      await awsOk(emulator.url, 'PutEvents', { Entries: [entry(seq)] });
      for (let tries = 0; tries < 10_000; tries++) {
        const res = await fetch(`${emulator.url}/_eventbridge-local/captures?targetArn=${encodeURIComponent(queueArn)}`);
        const { captures } = await res.json();
        if (captures.some((c) => JSON.parse(c.payload).seq === seq)) {
          latencies.push(monotonicNow() - sentAt);
          break;
        }
      }
      await new Promise((r) => setTimeout(r, gapMs));
    }
    return { throughput, latency: { seen: latencies.length, p50: percentile(latencies, 50), p99: percentile(latencies, 99) } };
  } finally {
    await emulator.stop();
  }
}

const moto = await startMoto();
let sqsResult;
let captureResult;
let ceiling;
try {
  captureResult = await captureRun();
  ceiling = await ceilingRun(moto);
  sqsResult = await sqsRun(moto);
} finally {
  await moto.stop();
}

console.log(`PutEvents -> SQS message visible in moto_server, beside the capture path; ${fmt(count)} events for throughput, ${fmt(latencyEvents)} one at a time for latency`);
console.log('| path | events seen | events/s | latency events | p50 ms | p99 ms |');
console.log('|---|---:|---:|---:|---:|---:|');
for (const [name, r] of [['capture (no endpoint)', captureResult], ['SQS at moto_server (SendMessage)', sqsResult]]) {
  console.log(`| ${name} | ${fmt(r.throughput.delivered)} / ${fmt(count)} | ${fmt(r.throughput.perSecond)} | ${fmt(r.latency.seen)} | ${fmt(r.latency.p50, 1)} | ${fmt(r.latency.p99, 1)} |`);
}
console.log(`| ceiling: SendMessage straight to moto_server, 32 at once | ${fmt(ceiling.delivered)} / ${fmt(count)} | ${fmt(ceiling.perSecond)} | - | - | - |`);
record({ metric: 'SQS delivery: events/s, PutEvents -> message in moto_server', emulator: fmt(sqsResult.throughput.perSecond), competitors: `SendMessage straight to moto ${fmt(ceiling.perSecond)}; capture path ${fmt(captureResult.throughput.perSecond)}`, ratio: `${fmt((sqsResult.throughput.perSecond / ceiling.perSecond) * 100)} %`, goal: '-', met: '-' });
record({ metric: 'SQS delivery: p99 ms, PutEvents -> message visible in moto_server', emulator: fmt(sqsResult.latency.p99, 1), competitors: `capture path ${fmt(captureResult.latency.p99, 1)}`, ratio: '-', goal: '-', met: '-' });
