/**
 * A real HTTP server on 127.0.0.1 that records every request exactly as it arrived
 * (method, path, query, headers with their original case, raw body) and answers as the
 * test programs it: a queue of responses, or a function of the request. Used as the API
 * behind an API destination and as an OAuth token endpoint.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  /** Path and query as sent (`/orders/42?x=1`). */
  url: string;
  path: string;
  query: Record<string, string>;
  /** Lower-cased names (node's view). */
  headers: IncomingHttpHeaders;
  /** Names in the case they were sent, in order: [name, value, name, value ...]. */
  rawHeaders: string[];
  body: string;
}

export interface SinkResponse {
  status?: number;
  headers?: Record<string, string>;
  body?: string;
  /** Wait this long (real time) before answering. */
  delayMs?: number;
}

export interface HttpSink {
  url: string;
  requests: RecordedRequest[];
  /** Answers for the next requests, in order; when none is queued, `fallback` answers. */
  reply(...responses: SinkResponse[]): void;
  fallback: (req: RecordedRequest) => SinkResponse;
  /** Forget recorded requests and queued answers; answer 200 again. */
  clear(): void;
  close(): Promise<void>;
}

export async function startHttpSink(): Promise<HttpSink> {
  const queue: SinkResponse[] = [];
  const requests: RecordedRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const ok = (): SinkResponse => ({ status: 200, body: '{"ok":true}' });
  const sink: HttpSink = {
    url: '',
    requests,
    reply: (...responses) => queue.push(...responses),
    fallback: ok,
    clear: () => {
      requests.length = 0;
      queue.length = 0;
      sink.fallback = ok;
    },
    close: async () => {
      for (const t of timers) clearTimeout(t);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const parsed = new URL(req.url ?? '/', 'http://sink');
      const recorded: RecordedRequest = {
        method: req.method ?? '',
        url: req.url ?? '',
        path: parsed.pathname,
        query: Object.fromEntries(parsed.searchParams),
        headers: req.headers,
        rawHeaders: req.rawHeaders,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(recorded);
      const answer = queue.shift() ?? sink.fallback(recorded);
      const send = () => {
        if (res.destroyed) return;
        res.writeHead(answer.status ?? 200, { 'Content-Type': 'application/json', ...answer.headers });
        res.end(answer.body ?? '');
      };
      if (!answer.delayMs) return send();
      const timer = setTimeout(() => {
        timers.delete(timer);
        send();
      }, answer.delayMs);
      timers.add(timer);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  sink.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return sink;
}

/** Header names of a recorded request in the case and order they were sent. */
export function headerNames(req: RecordedRequest): string[] {
  return req.rawHeaders.filter((_, i) => i % 2 === 0);
}
