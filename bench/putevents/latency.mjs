// bench/putevents/latency: event -> delivery latency into a local HTTP sink through an
// API destination, at a fixed offered rate, against the ceiling (the same body POSTed
// straight to the sink). Run after `npm run build`:
//   node bench/putevents/latency.mjs [events-per-second] [seconds]
import http from 'node:http';
import { awsCall, fmt, percentile, post, quick, record, startServer } from '../lib/load.mjs';

const rate = Number(process.argv[2] && !process.argv[2].startsWith('--') ? process.argv[2] : 1000);
const seconds = Number(process.argv[3] && !process.argv[3].startsWith('--') ? process.argv[3] : quick ? 2 : 3);

/** A sink that notes when each event id arrives. */
function startSink() {
  const arrivals = new Map();
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      arrivals.set(JSON.parse(body).detail?.seq ?? JSON.parse(body).seq, performance.now());
      res.writeHead(200, { 'Content-Type': 'application/json' }).end('{}');
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ url: `http://127.0.0.1:${server.address().port}`, arrivals, close: () => server.close() })));
}

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
    sent.set(id, performance.now());
    inflight.push(send(id));
  }
  await Promise.all(inflight);
  sent.answeredSeconds = (performance.now() - start) / 1000;
  return sent;
}

async function settle(arrivals, count, timeoutMs = 30_000) {
  const until = performance.now() + timeoutMs;
  while (arrivals.size < count && performance.now() < until) await new Promise((r) => setTimeout(r, 50));
}

function latencies(sent, arrivals) {
  return [...sent].filter(([seq]) => arrivals.has(seq)).map(([seq, at]) => arrivals.get(seq) - at);
}

const sink = await startSink();
const total = rate * seconds;

// Each path is warmed up (1 s at the same rate, not measured) before it is measured: a
// freshly started server compiles its hot code during the first second, and that
// one-off cost is not the steady-state latency (start-up is measured on its own).
const warmUpSeconds = 1;
async function warm(send) {
  await offer(send, warmUpSeconds, true);
  await settle(sink.arrivals, rate * warmUpSeconds);
  sink.arrivals.clear();
}

// Ceiling: the same body straight to the sink.
await warm((seq) => post(sink.url + '/direct', { 'Content-Type': 'application/json' }, JSON.stringify({ seq })));
const direct = await offer((seq) => post(sink.url + '/direct', { 'Content-Type': 'application/json' }, JSON.stringify({ seq })));
await settle(sink.arrivals, total);
const ceiling = latencies(direct, sink.arrivals);
sink.arrivals.clear();

const emulator = await startServer(['dist/src/cli.js', '--port', '0', '--in-memory', '--log-level', 'silent']);
const connection = JSON.parse((await awsCall(emulator.url, 'CreateConnection', { Name: 'bench', AuthorizationType: 'API_KEY', AuthParameters: { ApiKeyAuthParameters: { ApiKeyName: 'x-api-key', ApiKeyValue: 'k' } } })).body);
const destination = JSON.parse(
  (await awsCall(emulator.url, 'CreateApiDestination', { Name: 'sink', ConnectionArn: connection.ConnectionArn, InvocationEndpoint: sink.url + '/events', HttpMethod: 'POST', InvocationRateLimitPerSecond: rate * 10 })).body,
);
await awsCall(emulator.url, 'PutRule', { Name: 'to-sink', EventPattern: '{"source":["bench"]}' });
await awsCall(emulator.url, 'PutTargets', { Rule: 'to-sink', Targets: [{ Id: 'sink', Arn: destination.ApiDestinationArn, RoleArn: 'arn:aws:iam::000000000000:role/r' }] });
await warm((seq) => awsCall(emulator.url, 'PutEvents', { Entries: [{ Source: 'bench', DetailType: 'Tick', Detail: JSON.stringify({ seq }) }] }));
const viaEmulator = await offer((seq) => awsCall(emulator.url, 'PutEvents', { Entries: [{ Source: 'bench', DetailType: 'Tick', Detail: JSON.stringify({ seq }) }] }));
await settle(sink.arrivals, total);
const measured = latencies(viaEmulator, sink.arrivals);
await emulator.stop();
sink.close();

console.log(`Event -> HTTP sink latency at ${fmt(rate)} events/s offered for ${seconds}s (one event per request; each path warmed up ${warmUpSeconds}s first)`);
console.log('| path | delivered | p50 ms | p99 ms | p99 vs ceiling |');
console.log('|---|---:|---:|---:|---:|');
const row = (name, values) => `| ${name} | ${values.length} / ${total} | ${fmt(percentile(values, 50), 2)} | ${fmt(percentile(values, 99), 2)} | ${fmt(percentile(values, 99) / percentile(ceiling, 99), 1)}x |`;
console.log(row('ceiling: client -> sink', ceiling));
console.log(row('PutEvents -> emulator -> API destination -> sink', measured));
// When the server cannot keep up with the offered rate, requests queue and latency is mostly waiting.
console.log(`\nall ${total} requests answered after ${fmt(direct.answeredSeconds, 2)} s (ceiling) and ${fmt(viaEmulator.answeredSeconds, 2)} s (emulator) for ${seconds} s of offered load`);

const p99 = percentile(measured, 99);
const p50 = percentile(measured, 50);
const lost = measured.length < total;
record({ metric: `Delivery latency PutEvents -> sink at ${fmt(rate)} events/s, p50 / p99 ms`, emulator: `${fmt(p50, 2)} / ${fmt(p99, 2)}${lost ? ` (${total - measured.length} missing!)` : ''}`, competitors: `client -> sink ${fmt(percentile(ceiling, 50), 2)} / ${fmt(percentile(ceiling, 99), 2)}`, ratio: `p99 ${fmt(p99 / percentile(ceiling, 99), 1)}x (PutEvents answered over ${fmt(viaEmulator.answeredSeconds, 1)} s for ${seconds} s offered)`, goal: 'p99 < 10 ms', met: !lost && p99 < 10 });
