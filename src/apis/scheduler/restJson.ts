/**
 * The REST-JSON side of the wire, for the `scheduler` API: routes and the URI, query-string and
 * header bindings of each operation come from the model's `http` traits (model.generated.ts),
 * not a hand-written table. A request is Scheduler's when it has no X-Amz-Target (JSON 1.1
 * events calls always do), its path matches one of the model's routes, and its SigV4 scope, if
 * any, names `scheduler`. Errors are REST-JSON's: `x-amzn-ErrorType` and `{"Message"}` (the JS
 * SDK v3 reads the code from that header, the message from `message` or `Message`).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AwsError, authErrors } from '../../errors.js';
import { limits } from '../../limits.js';
import { isRegion } from '../events/domain/regions.js';
import type { Store } from '../../store/store.js';
import type { Clock } from '../../util/clock.js';
import type { Ids } from '../../util/ids.js';
import type { Logger } from '../../util/log.js';
import { accountOfKey, callerFromAuthorization, type Caller } from '../../wire/sigv4.js';
import { verifySigV4, type VerifyOptions } from '../../wire/sigv4Verify.js';
import { signingService } from '../../wire/fallback.js';
import type { HostPolicy } from '../../wire/hosts.js';
import { operations, shapes, type SchedulerOperation, type SchedulerShape } from './model.generated.js';
import { schedulerOperations, validation } from './operations.js';
import type { NamespaceState } from '../../store/schema.js';

export interface SchedulerWireDeps {
  store: Store;
  clock: Clock;
  ids: Ids;
  log: Logger;
  changed: (ns: NamespaceState, asOf: number) => void;
  auth?: VerifyOptions;
  defaultAccount: string;
  hosts?: HostPolicy;
}

interface Route {
  operation: SchedulerOperation;
  method: string;
  /** Literal segments, or the uri member a `{Label}` segment binds. */
  segments: Array<{ literal: string } | { label: string }>;
}

const routes: Route[] = (Object.keys(operations) as SchedulerOperation[]).map((operation) => ({
  operation,
  method: operations[operation].method,
  segments: operations[operation].requestUri
    .split('/')
    .slice(1)
    .map((s) => (s.startsWith('{') ? { label: s.slice(1, -1) } : { literal: s })),
}));

const roots = new Set(routes.map((r) => '/' + ('literal' in r.segments[0] ? r.segments[0].literal : '')));

/** True when the request is for this API (see the module comment). */
export function isSchedulerRequest(req: IncomingMessage): boolean {
  if (req.headers['x-amz-target'] !== undefined) return false;
  const service = signingService(req.headers.authorization);
  if (service === 'scheduler') return true;
  if (service !== undefined) return false;
  const path = (req.url ?? '/').split('?')[0];
  const root = '/' + (path.split('/')[1] ?? '');
  return roots.has(root);
}

function matchRoute(method: string, path: string): { route: Route; labels: Map<string, string> } | undefined {
  const parts = path.split('/').slice(1);
  let pathMatched = false;
  for (const route of routes) {
    if (route.segments.length !== parts.length) continue;
    const labels = new Map<string, string>();
    let ok = true;
    for (let i = 0; i < parts.length && ok; i++) {
      const seg = route.segments[i];
      if ('literal' in seg) ok = seg.literal === parts[i];
      else {
        let value: string;
        try {
          value = decodeURIComponent(parts[i]);
        } catch {
          return undefined;
        }
        ok = value.length > 0;
        labels.set(seg.label, value);
      }
    }
    if (!ok) continue;
    pathMatched = true;
    if (route.method === method) return { route, labels };
  }
  if (pathMatched) throw new AwsError('UnknownOperationException', `${method} ${path.slice(0, 256)} is not an operation of the scheduler API.`, 405);
  return undefined;
}

export function schedulerHandler(deps: SchedulerWireDeps) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const requestId = deps.ids.uuid();
    readBody(req)
      .then((body) => handle(deps, req, body))
      .then((result) => send(res, 200, requestId, result))
      .catch((err: unknown) => {
        const e = err instanceof AwsError ? err : new AwsError('InternalServerException', 'An internal error occurred.', 500);
        if (!(err instanceof AwsError)) deps.log.error('unexpected error', { requestId, error: err instanceof Error ? err.stack : String(err) });
        send(res, e.status, requestId, e.message ? { Message: e.message } : {}, e.type);
      });
  };
}

function send(res: ServerResponse, status: number, requestId: string, body: object, errorType?: string): void {
  const text = JSON.stringify(body);
  const headers: Record<string, string> = { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(text)), 'x-amzn-RequestId': requestId };
  if (errorType) headers['x-amzn-ErrorType'] = errorType;
  res.writeHead(status, headers);
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limits.maxRequestBodyBytes) {
        req.removeAllListeners('data');
        req.pause();
        reject(new AwsError('ValidationException', `Request body is larger than ${limits.maxRequestBodyBytes} bytes.`, 413));
      } else chunks.push(chunk);
    });
    req.once('end', () => resolve(Buffer.concat(chunks, size)));
    req.once('error', reject);
  });
}

async function handle(deps: SchedulerWireDeps, req: IncomingMessage, body: Buffer): Promise<object> {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  const query = new URLSearchParams(q < 0 ? '' : url.slice(q + 1));
  const method = req.method ?? 'GET';
  checkBrowserSafety(req, method, deps.hosts);
  const matched = matchRoute(method, path);
  if (!matched) throw new AwsError('UnknownOperationException', `${method} ${path.slice(0, 256)} is not an operation of the scheduler API.`, 404);
  const caller = deps.auth ? await verifiedCaller(req, method, path, q < 0 ? '' : url.slice(q + 1), body, deps.auth, deps.defaultAccount) : callerFromAuthorization(req.headers.authorization, undefined, deps.defaultAccount);
  if (!isRegion(caller.region)) throw authErrors.invalidRegion();
  const spec = operations[matched.route.operation];
  const input = bindInput(spec.input, matched.labels, query, req, body);
  const errors: string[] = [];
  validate(spec.input, input, '', errors);
  if (errors.length) throw validation(`${errors.length} validation error${errors.length > 1 ? 's' : ''} detected: ${errors.slice(0, 10).join('; ')}`);
  const existed = deps.store.findNamespace(caller.account, caller.region) !== undefined;
  const ns = deps.store.namespace(caller.account, caller.region);
  try {
    const result = schedulerOperations[matched.route.operation]({ ns, now: deps.clock.now(), changed: deps.changed }, input);
    await deps.store.persist();
    return result;
  } catch (err) {
    if (!existed) deps.store.forgetIfUnchanged(ns);
    throw err;
  }
}

/**
 * Emulator policy, as for the events API: a page of another site is refused, and a call that
 * changes state must be JSON (what the SDKs and the CLI send), so a browser cannot send it as
 * a "simple" cross-site request (a form or text/plain POST) without a CORS preflight.
 */
function checkBrowserSafety(req: IncomingMessage, method: string, hosts: HostPolicy | undefined): void {
  const origin = req.headers.origin;
  if (hosts && origin !== undefined && !hosts.originAllowed(origin, req.headers.host ?? '')) {
    throw new AwsError('AccessDeniedException', `Origin '${origin.slice(0, 128)}' is not this emulator's: the API answers no other web page.`, 403);
  }
  const type = req.headers['content-type']?.split(';')[0].trim().toLowerCase();
  if ((method === 'POST' || method === 'PUT') && type !== 'application/json') {
    throw new AwsError('ValidationException', 'Requests that change state must use Content-Type application/json.', 400);
  }
}

async function verifiedCaller(req: IncomingMessage, method: string, path: string, query: string, body: Buffer, auth: VerifyOptions, defaultAccount: string): Promise<Caller> {
  const verified = await verifySigV4({ method, path, query, headers: req.headers, body }, { ...auth, mustSign: [] });
  return { accessKeyId: verified.accessKeyId, account: accountOfKey(verified.accessKeyId, defaultAccount), region: verified.region };
}

/** The operation's input from the URI labels, query string, headers and JSON body, per each member's binding. */
function bindInput(shapeName: string, labels: Map<string, string>, query: URLSearchParams, req: IncomingMessage, body: Buffer): Record<string, unknown> {
  const shape = shapes[shapeName];
  const input: Record<string, unknown> = Object.create(null);
  const bodyMembers = Object.entries(shape.members ?? {}).filter(([, m]) => !m.location);
  if (bodyMembers.length > 0 && body.length > 0) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      throw new AwsError('SerializationException', 'Request body is not valid JSON.', 400);
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new AwsError('SerializationException', 'Request body must be a JSON object.', 400);
    for (const [name] of bodyMembers) {
      const value = (parsed as Record<string, unknown>)[name];
      if (value !== undefined && value !== null) input[name] = value;
    }
  }
  for (const [name, member] of Object.entries(shape.members ?? {})) {
    const wireName = member.locationName ?? name;
    const target = shapes[member.shape];
    if (member.location === 'uri') input[name] = labels.get(wireName);
    else if (member.location === 'querystring') {
      const values = query.getAll(wireName);
      if (values.length === 0) continue;
      if (target.type === 'list') input[name] = values;
      else if (target.type === 'integer') input[name] = /^-?\d+$/.test(values[0]) ? Number(values[0]) : values[0];
      else input[name] = values[0];
    } else if (member.location === 'header') {
      const value = req.headers[wireName.toLowerCase()];
      if (typeof value === 'string') input[name] = value;
    }
  }
  return input;
}

const lowerFirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);
const patterns = new Map<string, RegExp>();

/** The model's constraints, in AWS's validation-message form. */
function validate(shapeName: string, value: unknown, path: string, errors: string[]): void {
  const shape: SchedulerShape = shapes[shapeName];
  const at = path || 'request';
  const fail = (constraint: string) => errors.push(`Value ${describe(value, shape)} at '${at}' failed to satisfy constraint: ${constraint}`);
  switch (shape.type) {
    case 'structure': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return void fail('Member must be a structure');
      const v = value as Record<string, unknown>;
      for (const req of shape.required ?? []) {
        if (v[req] === undefined || v[req] === null) errors.push(`Value null at '${join(path, req)}' failed to satisfy constraint: Member must not be null`);
      }
      for (const [name, member] of Object.entries(shape.members ?? {})) {
        if (v[name] !== undefined && v[name] !== null) validate(member.shape, v[name], join(path, name), errors);
      }
      return;
    }
    case 'list': {
      if (!Array.isArray(value)) return void fail('Member must be a list');
      if (shape.min !== undefined && value.length < shape.min) fail(`Member must have length greater than or equal to ${shape.min}`);
      if (shape.max !== undefined && value.length > shape.max) fail(`Member must have length less than or equal to ${shape.max}`);
      value.forEach((item, i) => validate(shape.member!.shape, item, `${at}.${i + 1}.member`, errors));
      return;
    }
    case 'map': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return void fail('Member must be a map');
      for (const [k, item] of Object.entries(value)) {
        validate(shape.key!.shape, k, `${at}.key`, errors);
        validate(shape.value!.shape, item, `${at}.${k}`, errors);
      }
      return;
    }
    case 'string': {
      if (typeof value !== 'string') return void fail('Member must be a string');
      const length = [...value].length;
      if (shape.min !== undefined && length < shape.min) fail(`Member must have length greater than or equal to ${shape.min}`);
      if (shape.max !== undefined && length > shape.max) fail(`Member must have length less than or equal to ${shape.max}`);
      if (shape.enum && !shape.enum.includes(value)) fail(`Member must satisfy enum value set: [${shape.enum.join(', ')}]`);
      if (shape.pattern) {
        let re = patterns.get(shape.pattern);
        if (!re) patterns.set(shape.pattern, (re = new RegExp(shape.pattern)));
        if (!re.test(value)) fail(`Member must satisfy regular expression pattern: ${shape.pattern}`);
      }
      return;
    }
    case 'integer':
    case 'long': {
      if (typeof value !== 'number' || !Number.isInteger(value)) return void fail('Member must be an integer');
      if (shape.min !== undefined && value < shape.min) fail(`Member must have value greater than or equal to ${shape.min}`);
      if (shape.max !== undefined && value > shape.max) fail(`Member must have value less than or equal to ${shape.max}`);
      return;
    }
    case 'boolean':
      if (typeof value !== 'boolean') fail('Member must be a boolean');
      return;
    case 'timestamp':
      if (typeof value !== 'number' || !Number.isFinite(value)) fail('Member must be a timestamp (epoch seconds)');
      return;
    default:
      return;
  }
}

const join = (path: string, member: string) => (path ? `${path}.${lowerFirst(member)}` : lowerFirst(member));

function describe(value: unknown, shape: SchedulerShape): string {
  if (shape.sensitive) return "'***'";
  if (typeof value === 'string') return `'${value.slice(0, 256)}'`;
  if (typeof value === 'number' || typeof value === 'boolean') return `'${value}'`;
  return 'of the wrong type';
}
