/**
 * The HTTP request EventBridge sends to an API destination, built from the destination,
 * its connection, the target's HttpParameters, the event and the rendered input. Pure.
 *
 * Evidence (User Guide, "API destinations", spec 000/002; aws-facts §6.5):
 * - EventBridge adds `User-Agent: Amazon/EventBridge/ApiDestinations`, `Content-Type:
 *   application/json; charset=utf-8` ("if no custom Content-Type value is specified"),
 *   `Range: bytes=0-1048575`, `Accept-Encoding: gzip,deflate`, `Connection: close`,
 *   `Content-Length` and `Host`; User-Agent and Range cannot be overridden, and a fixed list
 *   of headers is removed from what connections and targets specify.
 * - Target HttpParameters "are merged with any InvocationParameters specified on the
 *   Connection, with any values from the Connection taking precedence" (model doc).
 * - `*` in the endpoint's path are filled, in order, from PathParameterValues; path, header
 *   and query values of the target may be JSONPaths into the original event.
 *
 * Emulator choices where AWS documents nothing (docs/compatibility.md lists them): path
 * values are percent-encoded as one segment; query pairs are encoded with
 * encodeURIComponent and follow the endpoint's own query; a target value whose JSONPath
 * selects nothing leaves its header or query parameter out (a path value fails the
 * invocation); GET and HEAD carry no body; connection body parameters are added to a body
 * that is a JSON object (the connection's value wins on a clash) and ignored otherwise.
 */
import { evaluateJsonPath } from '../transform/index.js';
import type { ConnectionHttpParameter, ConnectionHttpParameters } from '../../store/schema.js';
import { rememberLast } from '../../util/rememberLast.js';

export interface HttpRequestSpec {
  method: string;
  url: string;
  /** Header names as sent (case kept), one entry per header. */
  headers: Record<string, string>;
  body: string;
}

/** The header carrying a connection's credentials, and how the inspection API shows it. */
export interface AuthHeader {
  name: string;
  value: string;
  shown: string;
}

export interface TargetHttpParameters {
  PathParameterValues?: string[];
  HeaderParameters?: Record<string, string>;
  QueryStringParameters?: Record<string, string>;
}

export interface InvocationInput {
  invocationEndpoint: string;
  httpMethod: string;
  auth?: AuthHeader;
  connectionParameters?: ConnectionHttpParameters;
  targetParameters?: TargetHttpParameters;
  event: unknown;
  payload: string;
  /** The target parameters are final values, not JSON paths to resolve against `event` (a pipe has resolved them). */
  parametersResolved?: boolean;
}

export type BuiltInvocation = { ok: true; request: HttpRequestSpec; shown: HttpRequestSpec } | { ok: false; reason: string };

export const userAgent = 'Amazon/EventBridge/ApiDestinations';
export const defaultContentType = 'application/json; charset=utf-8';
/** Shown in place of a secret in the inspection API. */
export const maskedValue = '***';

/** Headers EventBridge removes from what connections and targets specify (User Guide list). */
export const removedHeaders = new Set(
  [
    'A-IM', 'Accept-Charset', 'Accept-Datetime', 'Accept-Encoding', 'Cache-Control', 'Connection', 'Content-Encoding',
    'Content-Length', 'Content-MD5', 'Date', 'Expect', 'Forwarded', 'From', 'Host', 'HTTP2-Settings', 'If-Match',
    'If-Modified-Since', 'If-None-Match', 'If-Range', 'If-Unmodified-Since', 'Max-Forwards', 'Origin', 'Pragma',
    'Proxy-Authorization', 'Range', 'Referer', 'TE', 'Trailer', 'Transfer-Encoding', 'User-Agent', 'Upgrade', 'Via', 'Warning',
  ].map((h) => h.toLowerCase()),
);

const methodsWithoutBody = new Set(['GET', 'HEAD']);

/** The request as sent, and the same request with every secret masked (for the inspection API). */
export function buildInvocationRequest(input: InvocationInput): BuiltInvocation {
  const url = buildUrl(input);
  if (!url.ok) return url;
  const body = methodsWithoutBody.has(input.httpMethod) ? '' : mergeBodyParameters(input.payload, input.connectionParameters?.BodyParameters, false);
  const shownBody = methodsWithoutBody.has(input.httpMethod) ? '' : mergeBodyParameters(input.payload, input.connectionParameters?.BodyParameters, true);
  const headers = buildHeaders(input, body);
  return {
    ok: true,
    request: { method: input.httpMethod, url: url.url, headers: headers.sent, body },
    shown: { method: input.httpMethod, url: url.shownUrl, headers: headers.shown, body: shownBody },
  };
}

/** The parts of an endpoint the request is built from; one destination's endpoint is parsed once for a run of its deliveries. */
const endpointParts = rememberLast((endpoint: string) => {
  const url = new URL(endpoint);
  return { base: `${url.protocol}//${url.host}`, pathname: url.pathname, ownQuery: url.search.slice(1) };
});

function buildUrl(input: InvocationInput): { ok: true; url: string; shownUrl: string } | { ok: false; reason: string } {
  const endpoint = endpointParts(input.invocationEndpoint);
  const path = fillPath(endpoint.pathname, input.targetParameters?.PathParameterValues ?? [], input.event, valueResolver(input));
  if (!path.ok) return path;
  const base = endpoint.base + path.path;
  const pairs = queryPairs(input);
  if (pairs.length === 0) {
    const own = endpoint.ownQuery ? `?${endpoint.ownQuery}` : '';
    return { ok: true, url: base + own, shownUrl: base + own };
  }
  const query = (value: 1 | 2) => {
    const encoded = pairs.map((pair) => `${encodeURIComponent(pair[0])}=${encodeURIComponent(pair[value])}`);
    return `?${(endpoint.ownQuery ? [endpoint.ownQuery, ...encoded] : encoded).join('&')}`;
  };
  return { ok: true, url: base + query(1), shownUrl: base + query(2) };
}

/** Fill each `*` of the path, in order, from the path parameter values. */
export function fillPath(pathname: string, values: string[], event: unknown, resolve: ValueResolver = resolveTargetValue): { ok: true; path: string } | { ok: false; reason: string } {
  if (!pathname.includes('*')) return { ok: true, path: pathname };
  const wildcards = pathname.split('*').length - 1;
  if (wildcards > values.length) {
    return { ok: false, reason: `The API destination endpoint has ${wildcards} path wildcard(s) (*) but the target gives ${values.length} PathParameterValues.` };
  }
  let index = 0;
  let failure: string | undefined;
  const path = pathname.replace(/\*/g, () => {
    const raw = values[index++]!;
    const value = resolve(raw, event);
    if (value === undefined) failure = `PathParameterValues ${raw} selects nothing in the event.`;
    return encodeURIComponent(value ?? '');
  });
  return failure ? { ok: false, reason: failure } : { ok: true, path };
}

/** A name, the value sent and the value shown (a secret masked): each target value is resolved once for both. */
type Sent = [name: string, value: string, shown: string];

/** Target query parameters (minus keys the connection sets), then the connection's. */
function queryPairs(input: InvocationInput): Sent[] {
  const connection = input.connectionParameters?.QueryStringParameters ?? [];
  const target = input.targetParameters?.QueryStringParameters;
  const pairs: Sent[] = [];
  if (target) {
    const connectionKeys = new Set(connection.map((p) => p.Key));
    const resolve = valueResolver(input);
    for (const [key, raw] of Object.entries(target)) {
      if (connectionKeys.has(key)) continue;
      const value = resolve(raw, input.event);
      if (value !== undefined) pairs.push([key, value, value]);
    }
  }
  for (const p of connection) pairs.push([p.Key, valueOf(p, false), valueOf(p, true)]);
  return pairs;
}

/**
 * Precedence, lowest first: target headers, connection headers, the connection's auth
 * header; then EventBridge's own headers, which the removed-headers list keeps the others
 * from touching (Content-Type aside: a custom one replaces the default). `sent` and `shown`
 * differ only in masked values.
 */
function buildHeaders(input: InvocationInput, body: string): { sent: Record<string, string>; shown: Record<string, string> } {
  const custom = new Map<string, Sent>();
  const put = (name: string, value: string, shown: string) => {
    const lower = name.toLowerCase();
    if (!removedHeaders.has(lower)) custom.set(lower, [name, value, shown]);
  };
  const targetHeaders = input.targetParameters?.HeaderParameters;
  if (targetHeaders) {
    const resolve = valueResolver(input);
    for (const [name, raw] of Object.entries(targetHeaders)) {
      const value = resolve(raw, input.event);
      if (value !== undefined) put(name, value, value);
    }
  }
  for (const p of input.connectionParameters?.HeaderParameters ?? []) put(p.Key, valueOf(p, false), valueOf(p, true));
  if (input.auth) put(input.auth.name, input.auth.value, input.auth.shown);
  const contentType = custom.get('content-type');
  custom.delete('content-type');
  const contentTypeName = contentType?.[0] ?? 'Content-Type';
  // Null-prototype: a header may be named `__proto__` (a valid token), which would set a plain
  // object's prototype instead of adding the header.
  const sent = fixedHeaders(contentTypeName, contentType?.[1] ?? defaultContentType);
  const shown = fixedHeaders(contentTypeName, contentType?.[2] ?? defaultContentType);
  for (const [name, value, shownValue] of custom.values()) {
    sent[name] = value;
    shown[name] = shownValue;
  }
  const length = String(Buffer.byteLength(body));
  sent['Content-Length'] = length;
  shown['Content-Length'] = length;
  return { sent, shown };
}

function fixedHeaders(contentTypeName: string, contentType: string): Record<string, string> {
  const headers = Object.create(null) as Record<string, string>;
  headers['User-Agent'] = userAgent;
  headers[contentTypeName] = contentType;
  headers.Range = 'bytes=0-1048575';
  headers['Accept-Encoding'] = 'gzip,deflate';
  headers.Connection = 'close';
  return headers;
}

/**
 * Add the connection's body parameters to a JSON object body. Without a clash the keys are
 * appended to the text as rendered, so the rest of the body keeps its exact bytes.
 */
export function mergeBodyParameters(payload: string, params: ConnectionHttpParameter[] | undefined, masked: boolean): string {
  if (!params || params.length === 0) return payload;
  let parsed: unknown;
  try {
    parsed = JSON.parse(payload);
  } catch {
    return payload;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return payload;
  const object = parsed as Record<string, unknown>;
  if (params.some((p) => Object.prototype.hasOwnProperty.call(object, p.Key))) {
    for (const p of params) Object.defineProperty(object, p.Key, { value: valueOf(p, masked), enumerable: true, writable: true, configurable: true });
    return JSON.stringify(object);
  }
  const end = payload.lastIndexOf('}');
  const added = params.map((p) => `${JSON.stringify(p.Key)}:${JSON.stringify(valueOf(p, masked))}`).join(',');
  return payload.slice(0, end) + (Object.keys(object).length > 0 ? ',' : '') + added + payload.slice(end);
}

type ValueResolver = (value: string, event: unknown) => string | undefined;

/** Values a caller has already resolved are sent as they are: a resolved value may itself begin with `$.`. */
function valueResolver(input: InvocationInput): ValueResolver {
  return input.parametersResolved ? (value) => value : resolveTargetValue;
}

/** A target value is a literal unless it is a JSONPath (`$.` or `$[`), resolved against the original event. */
export function resolveTargetValue(value: string, event: unknown): string | undefined {
  if (!/^\$[.[]/.test(value)) return value;
  const selected = evaluateJsonPath(event, value);
  if (!selected.found || selected.value === undefined) return undefined;
  return typeof selected.value === 'string' ? selected.value : JSON.stringify(selected.value);
}

function valueOf(p: ConnectionHttpParameter, masked: boolean): string {
  return masked && p.IsValueSecret ? maskedValue : (p.Value ?? '');
}

/** API destination error codes (User Guide): 401, 407, 409, 429 and 5xx are retried; every other status is not. */
export function isRetryableStatus(status: number): boolean {
  return status === 401 || status === 407 || status === 409 || status === 429 || (status >= 500 && status <= 599);
}

/**
 * `Retry-After` in ms: delay-seconds (a negative value, which AWS reads as "stop retrying",
 * stays negative) or an HTTP date, read against the real wall clock (`wallNow`, never the virtual
 * clock: the server's clock wrote it). Unreadable: undefined.
 */
export function parseRetryAfter(value: string | undefined, wallNow: number): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^[-+]?\d+$/.test(text)) return Number(text) * 1000;
  // HTTP-date forms all start with a day name ("Sun, 06 Nov 1994 08:49:37 GMT"); Date.parse alone would read "1.5" as a date.
  const date = /^[A-Za-z]{3}/.test(text) ? Date.parse(text) : NaN;
  return Number.isNaN(date) ? undefined : Math.max(0, date - wallNow);
}
