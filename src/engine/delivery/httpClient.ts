import { limits } from '../../limits.js';
/**
 * Sends one HTTP request exactly as built (node:http, no connection reuse, no redirects
 * followed; node adds only Host, and `Connection: close` where the request has none) and reads at most the 1 MiB EventBridge asks for with
 * its `Range` header. The timeout covers the whole exchange and runs on real time: it
 * bounds real network I/O, which the virtual clock cannot move.
 */
import { request as httpRequest, type ClientRequestArgs, type IncomingHttpHeaders } from 'node:http';
import { Socket, type NetConnectOpts } from 'node:net';
import { urlToHttpOptions } from 'node:url';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { HttpRequestSpec } from './httpRequest.js';
import { rememberLast } from '../../util/rememberLast.js';

/** "EventBridge requests to an API destination endpoint must have a maximum client execution timeout of 5 seconds." */
export const invocationTimeoutMs = limits.invocationTimeoutMs;
const maxResponseBytes = 1024 * 1024;

export type HttpResult =
  | { kind: 'response'; status: number; statusText: string; headers: IncomingHttpHeaders; body: Buffer }
  /** timeout: no full answer in time; connection: refused, reset ...; dns: the host does not resolve; invalid: the request could not be written (e.g. a header value with a control character). */
  | { kind: 'timeout' | 'connection' | 'dns' | 'invalid'; message: string };

export type HttpSend = (req: HttpRequestSpec, timeoutMs: number) => Promise<HttpResult>;

// Every request gets a connection of its own and `Connection: close`, as EventBridge sends. Plain
// HTTP skips the agent (it pools nothing here, and its bookkeeping was a tenth of a delivery's
// cost); HTTPS keeps one shared non-keep-alive agent for its TLS options (`agent: false` would
// build a fresh Agent for every delivery).
const httpsAgent = new HttpsAgent({ keepAlive: false });
const ownConnection = (options: ClientRequestArgs) => new Socket().connect(options as NetConnectOpts);

/**
 * The request's options as one literal. A spread (`{ ...urlToHttpOptions(url), method }`) would
 * give every request's options object a hidden class of its own, made in old space: garbage that
 * only a full collection clears.
 */
function plainHttpOptions(target: RequestTarget, spec: HttpRequestSpec): ClientRequestArgs {
  const { protocol, hostname, port, path, auth } = target;
  return { protocol, hostname, port, path, auth, method: spec.method, headers: spec.headers, createConnection: ownConnection };
}

type RequestTarget = ReturnType<typeof urlToHttpOptions> & { url: URL };

/** A URL's request options, parsed once for a run of requests to the same URL (one destination's deliveries). Never mutated. */
const targetOf = rememberLast((url: string): RequestTarget => {
  const parsed = new URL(url);
  return { ...urlToHttpOptions(parsed), url: parsed };
});

const dnsErrors = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NONAME']);

export const sendHttp: HttpSend = (spec, timeoutMs) =>
  new Promise((resolve) => {
    let settled = false;
    const finish = (result: HttpResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    const target = targetOf(spec.url);
    const timer = setTimeout(() => {
      finish({ kind: 'timeout', message: `No answer within ${timeoutMs / 1000} seconds.` });
      req?.destroy();
    }, timeoutMs);
    let req: ReturnType<typeof httpRequest> | undefined;
    try {
      req =
        target.protocol === 'https:'
          ? httpsRequest(target.url, { method: spec.method, headers: spec.headers, agent: httpsAgent })
          : httpRequest(plainHttpOptions(target, spec));
    } catch (err) {
      finish({ kind: 'invalid', message: (err as Error).message });
      return;
    }
    req.on('error', (err: NodeJS.ErrnoException) => {
      const kind = dnsErrors.has(err.code ?? '') ? 'dns' : 'connection';
      finish({ kind, message: err.message });
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const done = () => finish({ kind: 'response', status: res.statusCode ?? 0, statusText: res.statusMessage ?? '', headers: res.headers, body: Buffer.concat(chunks) });
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        chunks.push(chunk);
        if (size >= maxResponseBytes) {
          done();
          res.destroy();
        }
      });
      res.on('end', done);
      res.on('error', done);
    });
    req.end(spec.body);
  });
