// Should PutEvents match its rules on the event's JSON text (the scanner) rather than on the
// envelope object it has just built? node bench/putevents/routeByText.mjs [rounds]  (after npm run build)
// The ingest bench's 100 rules and 10 events, per event, alternating, CPU time:
//   object: match(envelope) + JSON.stringify(envelope)  (today: the text is made anyway, for a
//           delivery's payload or the recent-events list)
//   text:   JSON.stringify(envelope) + match(text)      (the text made first, then scanned)
// Both make the text once, so the difference is what matching costs each way.
import { compilePattern, RuleIndex } from '../../dist/src/engine/patterns/index.js';
import { fmt, median } from '../lib/load.mjs';
import { ingestPattern } from '../lib/ingestLoad.mjs';

const rounds = Number(process.argv[2] ?? 5);
const index = new RuleIndex();
for (let i = 0; i < 100; i++) {
  const pattern = ingestPattern(i);
  index.add(`rule-${i}`, compilePattern(JSON.stringify(pattern)), i);
}
const events = Array.from({ length: 10 }, (_, i) => ({
  version: '0',
  id: '6f1c2b4e-2f5a-4c1e-9a53-1b2c3d4e5f60',
  'detail-type': 'Order Placed',
  source: i % 5 === 0 ? 'bench.orders' : `bench.other${i}`,
  account: '000000000000',
  time: '2026-12-02T03:00:00Z',
  region: 'us-east-1',
  resources: [],
  detail: { orderId: `o-${i}`, total: 10 + i, items: [{ sku: 'a', qty: 1 }] },
}));
const ways = {
  object: (event) => index.match(event).length + JSON.stringify(event).length,
  text: (event) => index.match(JSON.stringify(event)).length,
};
// The same verdicts both ways, or the comparison means nothing.
for (const event of events) if (index.match(event).join() !== index.match(JSON.stringify(event)).join()) throw new Error('verdicts differ');

const n = 200_000;
const us = { object: [], text: [] };
for (let round = 0; round < rounds; round++) {
  for (const name of round % 2 ? ['text', 'object'] : ['object', 'text']) {
    const way = ways[name];
    let sink = 0;
    for (let i = 0; i < 20_000; i++) sink += way(events[i % 10]);
    const t = process.cpuUsage();
    for (let i = 0; i < n; i++) sink += way(events[i % 10]);
    const used = process.cpuUsage(t);
    us[name].push((used.user + used.system) / n);
    if (sink === 0) throw new Error('unreachable');
  }
}
const text = (v) => `${fmt(median(v), 2)} us (${fmt(Math.min(...v), 2)}–${fmt(Math.max(...v), 2)})`;
console.log(`per event, ${rounds} alternating rounds of ${n.toLocaleString('en-US')}: match the object + serialize ${text(us.object)}; serialize + match the text ${text(us.text)}`);
