// The delivery ceiling: a bare Node http server that answers PutEvents like bareServer.mjs
// and POSTs each entry's event straight to one URL over a new connection (`Connection:
// close`, as the emulator's deliveries), doing nothing else: no rules, no queue, no retries.
//   node bench/putevents/bareRelay.mjs <target-url>
import http from 'node:http';
import net from 'node:net';
import { randomUUID } from 'node:crypto';

const target = new URL(process.argv[2]);
// Not net.connect(options): its `new Socket(options)` copies the options with a spread that leaves
// old-generation garbage per connection (see docs/performance.md, fourth round); the emulator avoids it too.
const ownConnection = (options) => new net.Socket().connect(options);

function relay(event) {
  const body = JSON.stringify(event);
  const req = http.request({ host: target.hostname, port: target.port, path: target.pathname, method: 'POST', createConnection: ownConnection, headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) } }, (res) => res.resume());
  req.on('error', () => {});
  req.end(body);
}

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const input = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    const entries = (input.Entries ?? []).map((entry) => {
      const id = randomUUID();
      relay({ version: '0', id, 'detail-type': entry.DetailType, source: entry.Source, account: '000000000000', time: new Date().toISOString(), region: 'us-east-1', resources: [], detail: JSON.parse(entry.Detail) });
      return { EventId: id };
    });
    const body = JSON.stringify({ FailedEntryCount: 0, Entries: entries });
    // Content-Length, as the emulator answers (bareServer.mjs: without it node answers chunked).
    res.writeHead(200, { 'Content-Type': 'application/x-amz-json-1.1', 'x-amzn-RequestId': randomUUID(), 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
  });
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`bare relay listening on http://127.0.0.1:${server.address().port}\n`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
