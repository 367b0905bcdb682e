// The ceiling: a bare Node http server that parses the same PutEvents JSON and
// answers the same response shape, doing nothing else.
import http from 'node:http';
import { randomUUID } from 'node:crypto';

// BARE_EXTRA_US=N: the ceiling made slower by N µs of CPU work per request (a busy loop before it
// answers). The ingest bench runs a few of these beside the ceiling to tell what a requests/s goal asks
// in server CPU per request on this machine, in the same run (bench/putevents/run.mjs, "calibration").
const extraMs = Number(process.env.BARE_EXTRA_US ?? 0) / 1000;
function extraWork() {
  const until = performance.now() + extraMs;
  while (performance.now() < until);
}

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const input = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    if (extraMs > 0) extraWork();
    const entries = (input.Entries ?? []).map(() => ({ EventId: randomUUID() }));
    const body = JSON.stringify({ FailedEntryCount: 0, Entries: entries });
    // Content-Length, as the emulator (and AWS) answer: writeHead without it makes node answer
    // chunked: the load generator then paid 0.118 ms of CPU per request, against 0.094-0.123 ms for the emulator's answers.
    res.writeHead(200, { 'Content-Type': 'application/x-amz-json-1.1', 'x-amzn-RequestId': randomUUID(), 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
  });
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`bare server listening on http://127.0.0.1:${server.address().port}\n`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
