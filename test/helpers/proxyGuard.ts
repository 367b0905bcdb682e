/**
 * A stand-in HTTP(S) proxy on 127.0.0.1 that forwards nothing: every request a client
 * would have sent off the machine is recorded (where it was going: `host:port` for HTTPS
 * tunnels, the URL for plain HTTP) and refused. Point
 * HTTP_PROXY / HTTPS_PROXY at it (with NO_PROXY=127.0.0.1,localhost) and a test can show
 * both where a client would have gone and that nothing left the machine. The AWS CLI,
 * boto3 and Go programs (Terraform and its providers) honour these variables and do not
 * resolve the target's name themselves when a proxy is set.
 */
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

export interface ProxyGuard {
  url: string;
  /** Where each request that tried to leave was going (`events.us-east-1.amazonaws.com:443`). */
  attempts: string[];
  /** The environment that routes everything but loopback through the guard. */
  env: Record<string, string>;
  close(): Promise<void>;
}

export async function startProxyGuard(): Promise<ProxyGuard> {
  const attempts: string[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    let head = '';
    socket.on('data', (chunk) => {
      if (head.includes('\r\n')) return;
      head += chunk.toString('latin1');
      if (!head.includes('\r\n')) return;
      // `CONNECT host:port HTTP/1.x` or `GET http://host/path HTTP/1.x`
      attempts.push(head.slice(0, head.indexOf('\r\n')).split(' ')[1] ?? '');
      socket.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const env = { HTTP_PROXY: url, HTTPS_PROXY: url, http_proxy: url, https_proxy: url, NO_PROXY: '127.0.0.1,localhost', no_proxy: '127.0.0.1,localhost' };
  return {
    url,
    attempts,
    env,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
