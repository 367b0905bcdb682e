// bench/putevents/latency: event -> delivery latency into a local HTTP sink through an
// API destination, at a fixed offered rate, against the ceiling (the same body POSTed
// straight to the sink). Run after `npm run build`:
//   node bench/putevents/latency.mjs [events-per-second] [seconds] (measured, after 6 s of load)
import { awsCall, fmt, percentile, post, postClosing, quick, record, startServer, startSink, wallNow } from '../lib/load.mjs';

const rate = Number(process.argv[2] && !process.argv[2].startsWith('--') ? process.argv[2] : 1000);
const seconds = Number(process.argv[3] && !process.argv[3].startsWith('--') ? process.argv[3] : quick ? 3 : 5);

/**
 * Offer `rate` events/s for `forSeconds`, one event per request; returns send times by seq.
 * Warm-up rounds use negative seqs, so their arrivals never mix with measured ones.
 */
async function offer(send, forSeconds = seconds, warmUp = false) {
  const sent = new Map();
  const total = rate * forSeconds;
  const start = performance.now();
  const inflight = [];
  for (let seq = 0; seq < total; seq++) {
    const due = start + (seq * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    const id = warmUp ? -1 - seq : seq;
    sent.set(id, wallNow());
    inflight.push(send(id));
  }
  await Promise.all(inflight);
  sent.answeredSeconds = (performance.now() - start) / 1000;
  return sent;
}

/** Arrival times by seq, once `count` arrived (or the timeout passed). */
const settle = async (count) => (await sink.until(count)).arrivals;

function latencies(sent, arrivals) {
  return [...sent].filter(([seq]) => arrivals.has(seq)).map(([seq, at]) => arrivals.get(seq) - at);
}

const sink = await startSink();
const total = rate * seconds;

// Latency is measured in the steady state. A fresh emulator runs its hot code unoptimized for
// its first seconds: at 1,000 events/s on 2 cores it falls behind for ~2-4 s and then catches up.
// That phase is measured on its own (the "cold" row: a fresh emulator from its first event),
// then the emulator runs `warmUpSeconds` more before the measured window.
const coldSeconds = 3;
const warmUpSeconds = 3;
async function warm(send, forSeconds = warmUpSeconds) {
  await offer(send, forSeconds, true);
  await settle(rate * forSeconds);
  await sink.reset();
}

// Ceilings: the same body straight to the sink, over kept-alive connections, and over a new
// connection per event with `Connection: close` (what the emulator's deliveries do, as AWS's).
const toSink = (seq) => post(sink.url + '/direct', { 'Content-Type': 'application/json' }, JSON.stringify({ seq }));
const toSinkClosing = (seq) => postClosing(sink.url + '/direct', JSON.stringify({ seq }));
await warm(toSink, 1);
const ceiling = latencies(await offer(toSink), await settle(total));
await sink.reset();
await warm(toSinkClosing, 1);
const ceilingClosing = latencies(await offer(toSinkClosing), await settle(total));
await sink.reset();

const emulator = await startServer(['dist/src/cli.js', '--port', '0', '--in-memory', '--log-level', 'silent']);
const connection = JSON.parse((await awsCall(emulator.url, 'CreateConnection', { Name: 'bench', AuthorizationType: 'API_KEY', AuthParameters: { ApiKeyAuthParameters: { ApiKeyName: 'x-api-key', ApiKeyValue: 'k' } } })).body);
const destination = JSON.parse(
  (await awsCall(emulator.url, 'CreateApiDestination', { Name: 'sink', ConnectionArn: connection.ConnectionArn, InvocationEndpoint: sink.url + '/events', HttpMethod: 'POST', InvocationRateLimitPerSecond: rate * 10 })).body,
);
await awsCall(emulator.url, 'PutRule', { Name: 'to-sink', EventPattern: '{"source":["bench"]}' });
await awsCall(emulator.url, 'PutTargets', { Rule: 'to-sink', Targets: [{ Id: 'sink', Arn: destination.ApiDestinationArn, RoleArn: 'arn:aws:iam::000000000000:role/r' }] });
const putEvent = (seq) => awsCall(emulator.url, 'PutEvents', { Entries: [{ Source: 'bench', DetailType: 'Tick', Detail: JSON.stringify({ seq }) }] });
const coldSent = await offer(putEvent, coldSeconds);
const cold = latencies(coldSent, await settle(rate * coldSeconds));
await sink.reset();
await warm(putEvent);
const viaEmulator = await offer(putEvent);
const measured = latencies(viaEmulator, await settle(total));
await emulator.stop();
await sink.close();

console.log(`Event -> HTTP sink latency at ${fmt(rate)} events/s offered for ${seconds}s (one event per request; ceilings warmed up 1 s, the emulator ${coldSeconds + warmUpSeconds} s)`);
console.log('| path | delivered | p50 ms | p99 ms | p99 vs ceiling (new connection per event) |');
console.log('|---|---:|---:|---:|---:|');
const row = (name, values, of = total) => `| ${name} | ${values.length} / ${of} | ${fmt(percentile(values, 50), 2)} | ${fmt(percentile(values, 99), 2)} | ${fmt(percentile(values, 99) / percentile(ceilingClosing, 99), 1)}x |`;
console.log(row('ceiling: client -> sink, kept-alive connections', ceiling));
console.log(row('ceiling: client -> sink, a new connection per event', ceilingClosing));
console.log(row(`PutEvents -> fresh emulator -> API destination -> sink (its first ${coldSeconds} s)`, cold, rate * coldSeconds));
console.log(row('PutEvents -> emulator -> API destination -> sink (steady state)', measured));
// When the server cannot keep up with the offered rate, requests queue and latency is mostly waiting.
console.log(`\nall ${total} requests answered after ${fmt(viaEmulator.answeredSeconds, 2)} s (emulator, steady state) for ${seconds} s of offered load`);

const p99 = percentile(measured, 99);
const p50 = percentile(measured, 50);
const lost = measured.length < total;
record({
  metric: `Delivery latency PutEvents -> sink at ${fmt(rate)} events/s (steady state), p50 / p99 ms`,
  emulator: `${fmt(p50, 2)} / ${fmt(p99, 2)}${lost ? ` (${total - measured.length} missing!)` : ''}`,
  competitors: `client -> sink ${fmt(percentile(ceilingClosing, 50), 2)} / ${fmt(percentile(ceilingClosing, 99), 2)} (new connection per event); ${fmt(percentile(ceiling, 50), 2)} / ${fmt(percentile(ceiling, 99), 2)} (kept alive)`,
  ratio: `p99 ${fmt(p99 / percentile(ceilingClosing, 99), 1)}x`,
  goal: 'p99 < 10 ms',
  met: !lost && p99 < 10,
});
record({
  metric: `Delivery latency, a fresh emulator's first ${coldSeconds} s at ${fmt(rate)} events/s, p50 / p99 ms`,
  emulator: `${fmt(percentile(cold, 50), 2)} / ${fmt(percentile(cold, 99), 2)}`,
  competitors: '-',
  ratio: '-',
  goal: '-',
  met: '-',
});
