// bench/delivery/awsSqs.mjs: real delivery to SQS (moto_server) beside the capture path.
// Throughput: PutEvents (10 entries each, every entry matching one rule whose target is an SQS
// queue) from 16 connections until `count` events are accepted; for the SQS path the figure is
// events visible in the queue (ReceiveMessage from 4 loops in this process) divided by the time
// from the first send to the last message seen; for the capture path the capture is made inside
// PutEvents, so it is events accepted per second of sending.
// Latency: one event at a time (`latencyEvents` of them, 200 ms apart); for SQS the time from
// sending PutEvents to the message seen by a short-polling ReceiveMessage loop; for captures,
// to the capture listed by GET /_eventbridge-local/captures.
// Ceiling: the bench sending SendMessage straight to moto_server (moto, not the emulator, is the limit).
// Needs moto (`pip install 'moto[server]==5.2.1'`). Run after `npm run build`:
//   node bench/delivery/awsSqs.mjs [events] [latencyEvents] [--quick]
import { CreateQueueCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { awsCall, awsOk, emulatorCommand, fmt, forEachConcurrent, freePort, percentile, quick, record, spawnAndWait, startMoto, wallNow } from '../lib/load.mjs';

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

async function setUpRule(url) {
  await awsOk(url, 'PutRule', { Name: 'to-queue', EventPattern: '{"source":["bench"]}' });
  await awsOk(url, 'PutTargets', { Rule: 'to-queue', Targets: [{ Id: 'q', Arn: queueArn, InputPath: '$.detail' }] });
}

const entry = (seq) => ({ Source: 'bench', DetailType: 'Tick', Detail: JSON.stringify({ seq, orderId: `o-${seq}`, total: 12 }) });

async function putBatches(url, n, offset) {
  await forEachConcurrent(n / 10, 16, async (i) => {
    const res = await awsCall(url, 'PutEvents', { Entries: Array.from({ length: 10 }, (_, k) => entry(offset + i * 10 + k)) });
    if (res.status !== 200 || JSON.parse(res.body).FailedEntryCount !== 0) throw new Error(`PutEvents -> ${res.status} ${res.body.slice(0, 200)}`);
  });
}

/** Receive from the queue until `stop()`; calls seen(seq, at) for each message (each seen once: long visibility). */
function receiver(sqs, queueUrl, seen, loops) {
  let running = true;
  const loop = async () => {
    while (running) {
      // Short polling: moto's long polling answers only when its wait is over, which would be the figure measured.
      const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0, VisibilityTimeout: 3600 }));
      const at = wallNow();
      for (const m of Messages ?? []) seen(JSON.parse(m.Body).seq, at);
      if (!Messages?.length) await new Promise((r) => setTimeout(r, 10));
    }
  };
  const done = Promise.all(Array.from({ length: loops }, loop));
  return async () => {
    running = false;
    await done;
  };
}

async function sqsRun(moto) {
  const sqs = new SQSClient({ endpoint: moto.url, region: 'us-east-1', credentials: { accessKeyId: '000000000000', secretAccessKey: 'x' }, maxAttempts: 1, requestHandler: new NodeHttpHandler() });
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: queueName }));
  const emulator = await startEmulatorWith(['--service-endpoint', `sqs=${moto.url}`]);
  try {
    await setUpRule(emulator.url);
    // Throughput.
    const arrivals = new Map();
    let stopReceiving = receiver(sqs, QueueUrl, (seq, at) => arrivals.set(seq, at), 4);
    const t0 = wallNow();
    await putBatches(emulator.url, count, 0);
    const deadline = wallNow() + SETTLE_MS;
    while (arrivals.size < count && wallNow() < deadline) await new Promise((r) => setTimeout(r, 20));
    await stopReceiving();
    const last = Math.max(...arrivals.values());
    const throughput = { delivered: arrivals.size, perSecond: arrivals.size / ((last - t0) / 1000) };
    // Latency, one event at a time.
    const sent = new Map();
    const got = new Map();
    stopReceiving = receiver(sqs, QueueUrl, (seq, at) => got.set(seq, at), 1);
    for (let i = 0; i < latencyEvents; i++) {
      const seq = 1_000_000 + i;
      sent.set(seq, wallNow());
      await awsOk(emulator.url, 'PutEvents', { Entries: [entry(seq)] });
      await new Promise((r) => setTimeout(r, gapMs));
    }
    const until = wallNow() + SETTLE_MS;
    while (got.size < latencyEvents && wallNow() < until) await new Promise((r) => setTimeout(r, 20));
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
    const t0 = wallNow();
    await forEachConcurrent(count, 32, (i) => sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: JSON.stringify({ seq: i, orderId: `o-${i}`, total: 12 }) })));
    return { delivered: count, perSecond: count / ((wallNow() - t0) / 1000) };
  } finally {
    sqs.destroy();
  }
}

async function captureRun() {
  const emulator = await startEmulatorWith([]);
  try {
    await setUpRule(emulator.url);
    const t0 = wallNow();
    await putBatches(emulator.url, count, 0);
    const throughput = { delivered: count, perSecond: count / ((wallNow() - t0) / 1000) };
    const latencies = [];
    for (let i = 0; i < latencyEvents; i++) {
      // Only this event's capture on the list: clear the records first (outside the timing).
      await fetch(`${emulator.url}/_eventbridge-local/records`, { method: 'DELETE' });
      const seq = 1_000_000 + i;
      const sentAt = wallNow();
      await awsOk(emulator.url, 'PutEvents', { Entries: [entry(seq)] });
      for (let tries = 0; tries < 10_000; tries++) {
        const res = await fetch(`${emulator.url}/_eventbridge-local/captures?targetArn=${encodeURIComponent(queueArn)}`);
        const { captures } = await res.json();
        if (captures.some((c) => JSON.parse(c.payload).seq === seq)) {
          latencies.push(wallNow() - sentAt);
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
