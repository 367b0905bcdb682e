// bench/delivery: events/s delivered to a local HTTP sink through an API destination.
// The client sends PutEvents (10 entries each, every entry matching one rule whose target is
// the API destination) from 16 connections until `count` events are accepted; the figure is
// events that arrived at the sink divided by the time from the first send to the last arrival.
// The sink runs in its own process (bench/lib/sinkServer.mjs). The ceiling is the same client
// POSTing each event straight to the sink (32 connections, the emulator's delivery
// concurrency). Competitors alternate, in one run; medians.
// Run after `npm run build`: node bench/delivery/throughput.mjs [events] [rounds] [--quick]
import { awsCall, awsOk, fmt, forEachConcurrent, median, post, quick, record, startEmulator, startSink, tempDir, monotonicNow } from '../lib/load.mjs';

const numbers = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const count = Number(numbers[0] ?? (quick ? 5_000 : 10_000));
const rounds = Number(numbers[1] ?? (quick ? 1 : 2));
// After the last PutEvents is answered, wait at most this long for the sink to see everything.
const SETTLE_MS = 30_000;

const detail = JSON.stringify({ orderId: 'o-1', total: 12, items: [{ sku: 'a', qty: 1 }] });

async function direct(sink) {
  const t0 = monotonicNow();
  await forEachConcurrent(count, 32, async (i) => {
    const res = await post(sink.url + '/direct', { 'Content-Type': 'application/json' }, JSON.stringify({ source: 'bench', seq: i, detail }));
    if (res.status !== 200) throw new Error(`sink answered ${res.status}`);
  });
  const got = await sink.until(count, SETTLE_MS);
  return { delivered: got.count, seconds: (got.last - t0) / 1000 };
}

const viaEmulator = (dataDir) => async (sink) => {
  const emulator = await startEmulator(dataDir?.());
  try {
    const connection = await awsOk(emulator.url, 'CreateConnection', { Name: 'bench', AuthorizationType: 'API_KEY', AuthParameters: { ApiKeyAuthParameters: { ApiKeyName: 'x-api-key', ApiKeyValue: 'k' } } });
    const destination = await awsOk(emulator.url, 'CreateApiDestination', { Name: 'sink', ConnectionArn: connection.ConnectionArn, InvocationEndpoint: sink.url + '/events', HttpMethod: 'POST', InvocationRateLimitPerSecond: 10_000 });
    await awsOk(emulator.url, 'PutRule', { Name: 'to-sink', EventPattern: '{"source":["bench"]}' });
    await awsOk(emulator.url, 'PutTargets', { Rule: 'to-sink', Targets: [{ Id: 'sink', Arn: destination.ApiDestinationArn, RoleArn: 'arn:aws:iam::000000000000:role/r' }] });
    const t0 = monotonicNow();
    await forEachConcurrent(count / 10, 16, async (i) => {
      const entries = Array.from({ length: 10 }, (_, k) => ({ Source: 'bench', DetailType: 'Tick', Detail: detail.replace('o-1', `o-${i * 10 + k}`) }));
      const res = await awsCall(emulator.url, 'PutEvents', { Entries: entries });
      if (res.status !== 200 || JSON.parse(res.body).FailedEntryCount !== 0) throw new Error(`PutEvents -> ${res.status} ${res.body.slice(0, 200)}`);
    });
    const got = await sink.until(count, SETTLE_MS);
    return { delivered: got.count, seconds: (got.last - t0) / 1000 };
  } finally {
    await emulator.stop();
  }
};

const competitors = {
  'ceiling: client -> sink': direct,
  'emulator (in memory)': viaEmulator(undefined),
  'emulator (JSON store)': viaEmulator(() => tempDir()),
};

const results = Object.fromEntries(Object.keys(competitors).map((k) => [k, []]));
for (let round = 0; round < rounds; round++) {
  for (const [name, run] of Object.entries(competitors)) {
    const sink = await startSink();
    try {
      const r = await run(sink);
      results[name].push({ ...r, perSecond: r.delivered / r.seconds });
    } finally {
      await sink.close();
    }
  }
}

const rate = (name) => median(results[name].map((r) => r.perSecond));
const ceiling = rate('ceiling: client -> sink');
console.log(`Delivery to a local HTTP sink through an API destination, ${fmt(count)} events per round, ${rounds} alternating round(s), medians`);
console.log('| path | delivered (last round) | events/s delivered | vs ceiling |');
console.log('|---|---:|---:|---:|');
for (const name of Object.keys(results)) {
  const last = results[name].at(-1);
  console.log(`| ${name} | ${fmt(last.delivered)} / ${fmt(count)} | ${fmt(rate(name))} | ${fmt((rate(name) / ceiling) * 100)} % |`);
}
for (const kind of ['in memory', 'JSON store']) {
  const name = `emulator (${kind})`;
  const short = results[name].find((r) => r.delivered < count);
  const note = short ? ` (a round delivered ${fmt(short.delivered)} of ${fmt(count)} within ${SETTLE_MS / 1000} s of the last PutEvents)` : '';
  record({ metric: `Delivery: events/s to an HTTP sink via API destination (${kind})${note}`, emulator: fmt(rate(name)), competitors: `client -> sink ${fmt(ceiling)}`, ratio: `${fmt((rate(name) / ceiling) * 100)} %`, goal: '-', met: '-' });
}
