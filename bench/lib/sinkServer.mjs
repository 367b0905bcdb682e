// The HTTP sink the delivery benches send to, in a process of its own: in the bench process
// it shared an event loop with the load generator, and the stalls of one (tens of ms when it
// accepted a burst of new connections, one per delivery) showed up as latency of the other.
// It answers every POST 200 '{}' and notes when each arrived on the machine's monotonic clock
// (process.hrtime: CLOCK_MONOTONIC, one clock for every process on the machine; see
// bench/lib/load.mjs monotonicNow, which the load generator stamps its sends with).
//   GET  /_sink/arrivals -> { count, last, arrivals: [[seq, at], ...] }  (seq: body.detail.seq ?? body.seq)
//   POST /_sink/reset    -> forget everything
//   POST /_sink/now      -> { now } (the clock check: the bench asserts its own before <= now <= after)
import http from 'node:http';

const now = () => Number(process.hrtime.bigint()) / 1e6;
let arrivals = [];
let count = 0;
let last = 0;

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    if (req.url === '/_sink/now') return answer(res, { now: now() });
    if (req.url === '/_sink/arrivals') return answer(res, { count, last, arrivals });
    if (req.url === '/_sink/reset') {
      arrivals = [];
      count = 0;
      last = 0;
      return answer(res, {});
    }
    const at = now();
    count++;
    last = at;
    try {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      const seq = body.detail?.seq ?? body.seq;
      if (seq !== undefined) arrivals.push([seq, at]);
    } catch {
      /* counted, not timed */
    }
    answer(res, {});
  });
});

function answer(res, value) {
  res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(value));
}

server.listen(0, '127.0.0.1', () => process.stdout.write(`sink listening on http://127.0.0.1:${server.address().port}\n`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
