// The warm-up after "listening" (src/warmUp.ts) runs only while the user's emulator is quiet: every
// request any other server of the process gets (here a plain one standing for the user's) holds it
// back for its quiet period, requests on a kept-alive connection included.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { warmUp } from '../../src/warmUp.js';

const quietMs = 200; // src/warmUp.ts

function get(agent: http.Agent, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path: '/', agent }, (res) => res.resume().on('end', resolve)).on('error', reject);
  });
}

test('the warm-up waits while user requests arrive and runs once they stop', async () => {
  const user = http.createServer((_req, res) => res.end('ok'));
  await new Promise<void>((resolve) => user.listen(0, '127.0.0.1', resolve));
  const { port } = user.address() as AddressInfo;
  // One kept-alive connection: whose it is gets decided at its first request, and every later one still counts.
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  let lastSentAt = 0;
  let sockets = 0;
  user.on('connection', () => sockets++);
  try {
    const started = performance.now();
    const traffic = (async () => {
      // Longer than the warm-up's own start (its first quiet period, its private emulator's set-up, 3 events).
      while (performance.now() - started < 1000) {
        lastSentAt = performance.now();
        await get(agent, port);
      }
    })();
    const result = await warmUp(3);
    await traffic;
    expect(sockets).toBe(1);
    expect(result).toMatchObject({ events: 3, delivered: 3 });
    // Its events went out only after a quiet period that began at the last user request at the earliest.
    expect(started + result.ms).toBeGreaterThanOrEqual(lastSentAt + quietMs);
  } finally {
    agent.destroy();
    await new Promise((resolve) => user.close(resolve));
  }
});
