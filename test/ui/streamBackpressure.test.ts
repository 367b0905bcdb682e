/**
 * The live stream holds a bounded amount for a client that never reads (issue 18 item 7): past
 * limits.streamClientBufferBytes of unsent data the client is disconnected, and the server's
 * buffered bytes (socket writableLength, exposed at /stream/stats) stay within the bound while
 * many megabytes of events flow past. A client that reads keeps its stream.
 */
import { connect, type Socket } from 'node:net';
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { startEmulator, type Running } from '../helpers/emulator.js';
import { inspect } from '../helpers/inspect.js';
import { limits } from '../../src/limits.js';

let emu: Running;
beforeAll(async () => {
  emu = await startEmulator();
});
afterAll(async () => {
  await emu.close();
});

/** A stream client that sends its request and then never reads a byte. */
function stalledClient(url: string): Promise<Socket> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port) }, () => {
      socket.pause();
      socket.write(`GET /_eventbridge-local/stream HTTP/1.1\r\nHost: ${hostname}:${port}\r\nAccept: text/event-stream\r\n\r\n`, () => resolve(socket));
    });
    socket.on('error', () => undefined);
    socket.once('error', reject);
  });
}

const stats = () => inspect(emu.url, 'stream/stats');

test('clients that never read are cut off; the bytes held for them stay bounded', async () => {
  const stalled = await Promise.all(Array.from({ length: 3 }, () => stalledClient(emu.url)));
  // A client that reads along (as a dashboard does) keeps its stream.
  const controller = new AbortController();
  const reader = await fetch(`${emu.url}/_eventbridge-local/stream`, { signal: controller.signal });
  let read = 0;
  const reading = (async () => {
    try {
      for await (const chunk of reader.body as unknown as AsyncIterable<Uint8Array>) read += chunk.length;
    } catch {
      /* aborted */
    }
  })();
  const waitFor = async (cond: () => Promise<boolean>) => {
    for (let i = 0; i < 2000 && !(await cond()); i++) await new Promise((r) => setTimeout(r, 10));
  };
  await waitFor(async () => (await stats()).clients === 4);
  expect((await stats()).clients).toBe(4);

  // ~24 MB of events: far more than the kernel's socket buffers and the per-client bound.
  const detail = JSON.stringify({ blob: 'x'.repeat(240 * 1024) });
  let maxSeen = 0;
  for (let i = 0; i < 25; i++) {
    await emu.client.send(new PutEventsCommand({ Entries: Array.from({ length: 4 }, () => ({ Source: 'big', DetailType: 'Blob', Detail: detail })) }));
    maxSeen = Math.max(maxSeen, (await stats()).bufferedBytes);
  }
  const after = await stats();
  const oneMessage = detail.length + 4096;
  // Every stalled client was disconnected; the reading one was not.
  expect(after.slowClientsDisconnected).toBe(3);
  expect(after.clients).toBe(1);
  expect(after.peakClientBufferedBytes).toBeLessThanOrEqual(limits.streamClientBufferBytes + oneMessage);
  expect(maxSeen).toBeLessThanOrEqual(4 * (limits.streamClientBufferBytes + oneMessage));
  await waitFor(async () => read > 20 * 1024 * 1024);
  expect(read).toBeGreaterThan(20 * 1024 * 1024);
  controller.abort();
  await reading;
  for (const socket of stalled) socket.destroy();
}, 120_000);
