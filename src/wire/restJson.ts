/**
 * The REST-JSON side of the wire, for every API that speaks it (scheduler, pipes): routes and
 * the URI, query-string and header bindings of each operation come from that API's model
 * (`http` traits, model.generated.ts), not a hand-written table. A request is a REST-JSON API's
 * when it has no X-Amz-Target (JSON 1.1 events calls always do) and
 * - its SigV4 scope names the API's signing service, or
 * - it is unsigned and its path is one of the API's routes. Two APIs share `/tags/{resourceArn}`:
 *   the ARN's service decides.
 * Errors are REST-JSON's: `x-amzn-ErrorType` and a JSON body with the error shape's members (the
 * JS SDK v3 reads the code from that header, the message from `message` or `Message`).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AwsError, authErrors } from '../errors.js';
import { limits } from '../limits.js';
import { isRegion } from '../apis/events/domain/regions.js';
import type { Logger } from '../util/log.js';
import type { Ids } from '../util/ids.js';
import { accountOfKey, callerFromAuthorization, type Caller } from './sigv4.js';
import { verifySigV4, type VerifyOptions } from './sigv4Verify.js';
import { signingService } from './fallback.js';
import type { HostPolicy } from './hosts.js';
import { compileJavaPattern } from '../engine/validation/javaRegex.js';

/** A member and a shape of a REST-JSON model, as scripts/gen-rest-json-model.py writes them from botocore's. */
export interface RestMember {
  readonly shape: string;
  readonly location?: 'uri' | 'querystring' | 'header';
  readonly locationName?: string;
  readonly idempotencyToken?: boolean;
}

export interface RestShape {
  readonly type: string;
  readonly members?: Readonly<Record<string, RestMember>>;
  readonly required?: readonly string[];
  readonly member?: { readonly shape: string };
  readonly key?: { readonly shape: string };
  readonly value?: { readonly shape: string };
  readonly min?: number;
  readonly max?: number;
  readonly pattern?: string;
  readonly enum?: readonly string[];
  readonly sensitive?: boolean;
  readonly exception?: boolean;
  readonly httpStatus?: number;
  readonly timestampFormat?: string;
  readonly box?: boolean;
  readonly fault?: boolean;
  readonly retryable?: unknown;
  /** Exactly one member may be set. */
  readonly union?: boolean;
}

export interface RestOperationSpec {
  readonly method: string;
  readonly requestUri: string;
  readonly input: string;
}

/** One constraint a request broke: where (AWS's dotted path), and AWS's sentence for it. */
export interface ValidationFailure {
  path: string;
  message: string;
}

export interface RestJsonApi {
  /** The SigV4 signing name (`scheduler`, `pipes`); also the service part of its ARNs. */
  service: string;
  operations: Readonly<Record<string, RestOperationSpec>>;
  shapes: Readonly<Record<string, RestShape>>;
  /** Patterns are Java's and match the whole value, as for the events API (validation/javaRegex.ts). */
  wholePatterns?: boolean;
  /** The API's ValidationException for these failures (Scheduler: a message; Pipes: also a fieldList). */
  validationError(failures: ValidationFailure[]): AwsError;
  /** Run a validated operation for the caller; resolves once its change is durable. */
  invoke(operation: string, input: Record<string, unknown>, caller: Caller): Promise<object>;
}

/** An AWS error whose REST-JSON body carries members beyond the message (Pipes' fieldList, resourceId ...). */
export class RestJsonError extends AwsError {
  constructor(type: string, message: string, status: number, readonly members: Record<string, unknown>) {
    super(type, message, status);
  }
}

export interface RestJsonWireDeps {
  ids: Ids;
  log: Logger;
  auth?: VerifyOptions;
  defaultAccount: string;
  hosts?: HostPolicy;
}

interface Route {
  operation: string;
  method: string;
  /** Literal segments, or the uri member a `{Label}` segment binds. */
  segments: Array<{ literal: string } | { label: string }>;
}

interface Served {
  api: RestJsonApi;
  routes: Route[];
  roots: Set<string>;
}

function routesOf(api: RestJsonApi): Route[] {
  return Object.keys(api.operations).map((operation) => ({
    operation,
    method: api.operations[operation].method,
    segments: api.operations[operation].requestUri
      .split('/')
      .slice(1)
      .map((s) => (s.startsWith('{') ? { label: s.slice(1, -1) } : { literal: s })),
  }));
}

/** The REST-JSON APIs: which one a request is for, and the handler that serves it. */
export class RestJsonWire {
  private readonly served: Served[];

  constructor(apis: RestJsonApi[], private readonly deps: RestJsonWireDeps) {
    this.served = apis.map((api) => {
      const routes = routesOf(api);
      return { api, routes, roots: new Set(routes.map((r) => '/' + ('literal' in r.segments[0] ? r.segments[0].literal : ''))) };
    });
  }

  /** The API the request is for, or undefined when it is none of them (see the module comment). */
  apiOf(req: IncomingMessage): Served | undefined {
    if (req.headers['x-amz-target'] !== undefined) return undefined;
    const service = signingService(req.headers.authorization);
    if (service !== undefined) return this.served.find((s) => s.api.service === service);
    const path = (req.url ?? '/').split('?')[0];
    const parts = path.split('/');
    const root = '/' + (parts[1] ?? '');
    const claiming = this.served.filter((s) => s.roots.has(root));
    if (claiming.length < 2) return claiming[0];
    // Unsigned and shared (`/tags/{resourceArn}`): the resource's ARN names its service.
    let arn = '';
    try {
      arn = decodeURIComponent(parts[2] ?? '');
    } catch {
      /* not an ARN: the first API answers */
    }
    return claiming.find((s) => arn.startsWith(`arn:aws:${s.api.service}:`)) ?? claiming[0];
  }

  handles(req: IncomingMessage): boolean {
    return this.apiOf(req) !== undefined;
  }

  handle(req: IncomingMessage, res: ServerResponse): void {
    const served = this.apiOf(req)!;
    const requestId = this.deps.ids.uuid();
    readBody(req)
      .then((body) => this.run(served, req, body))
      .then((result) => send(res, 200, requestId, result))
      .catch((err: unknown) => {
        const e = err instanceof AwsError ? err : new AwsError('InternalServerException', 'An internal error occurred.', 500);
        if (!(err instanceof AwsError)) this.deps.log.error('unexpected error', { requestId, error: err instanceof Error ? err.stack : String(err) });
        const body = e instanceof RestJsonError ? { message: e.message, ...e.members } : e.message ? { Message: e.message } : {};
        send(res, e.status, requestId, body, e.type);
      });
  }

  private async run(served: Served, req: IncomingMessage, body: Buffer): Promise<object> {
    const { api } = served;
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    const query = new URLSearchParams(q < 0 ? '' : url.slice(q + 1));
    const method = req.method ?? 'GET';
    checkBrowserSafety(req, method, body, this.deps.hosts);
    const matched = matchRoute(served, method, path);
    if (!matched) throw new AwsError('UnknownOperationException', `${method} ${path.slice(0, 256)} is not an operation of the ${api.service} API.`, 404);
    const { auth, defaultAccount } = this.deps;
    const caller = auth ? await verifiedCaller(req, method, path, q < 0 ? '' : url.slice(q + 1), body, { ...auth, service: api.service }, defaultAccount) : callerFromAuthorization(req.headers.authorization, undefined, defaultAccount);
    if (!isRegion(caller.region)) throw authErrors.invalidRegion();
    const spec = api.operations[matched.route.operation];
    const input = bindInput(api, spec.input, matched.labels, query, req, body);
    const failures: ValidationFailure[] = [];
    validate(api, spec.input, input, '', failures);
    if (failures.length) throw api.validationError(failures);
    return api.invoke(matched.route.operation, input, caller);
  }
}

/** AWS's sentence over the first ten failures ("2 validation errors detected: ...; ..."). */
export function validationSummary(failures: ValidationFailure[]): string {
  return `${failures.length} validation error${failures.length > 1 ? 's' : ''} detected: ${failures.slice(0, 10).map((f) => f.message).join('; ')}`;
}

function matchRoute(served: Served, method: string, path: string): { route: Route; labels: Map<string, string> } | undefined {
  const parts = path.split('/').slice(1);
  let pathMatched = false;
  for (const route of served.routes) {
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
  if (pathMatched) throw new AwsError('UnknownOperationException', `${method} ${path.slice(0, 256)} is not an operation of the ${served.api.service} API.`, 405);
  return undefined;
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

/**
 * Emulator policy, as for the events API: a page of another site is refused, and a call that
 * changes state must be JSON (what the SDKs and the CLI send), so a browser cannot send it as
 * a "simple" cross-site request (a form or text/plain POST) without a CORS preflight. A call
 * without input (StartPipe, StopPipe) comes from the SDKs with no body and no Content-Type:
 * that is JSON's empty input, unless a browser sent it (it names its page's Origin).
 */
function checkBrowserSafety(req: IncomingMessage, method: string, body: Buffer, hosts: HostPolicy | undefined): void {
  const origin = req.headers.origin;
  if (hosts && origin !== undefined && !hosts.originAllowed(origin, req.headers.host ?? '')) {
    throw new AwsError('AccessDeniedException', `Origin '${origin.slice(0, 128)}' is not this emulator's: the API answers no other web page.`, 403);
  }
  const type = req.headers['content-type']?.split(';')[0].trim().toLowerCase();
  const emptyFromATool = body.length === 0 && type === undefined && origin === undefined;
  if ((method === 'POST' || method === 'PUT') && type !== 'application/json' && !emptyFromATool) {
    throw new AwsError('ValidationException', 'Requests that change state must use Content-Type application/json.', 400);
  }
}

/** Under --require-auth: signed for this API's service (a `scheduler` signature does not open `pipes`). */
async function verifiedCaller(req: IncomingMessage, method: string, path: string, query: string, body: Buffer, auth: VerifyOptions, defaultAccount: string): Promise<Caller> {
  const verified = await verifySigV4({ method, path, query, headers: req.headers, body }, { ...auth, mustSign: [] });
  return { accessKeyId: verified.accessKeyId, account: accountOfKey(verified.accessKeyId, defaultAccount), region: verified.region };
}

/** The operation's input from the URI labels, query string, headers and JSON body, per each member's binding. */
function bindInput(api: RestJsonApi, shapeName: string, labels: Map<string, string>, query: URLSearchParams, req: IncomingMessage, body: Buffer): Record<string, unknown> {
  const shape = api.shapes[shapeName];
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
    const target = api.shapes[member.shape];
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
function validate(api: RestJsonApi, shapeName: string, value: unknown, path: string, failures: ValidationFailure[]): void {
  const shape = api.shapes[shapeName];
  const at = path || 'request';
  const fail = (constraint: string) => failures.push({ path: at, message: `Value ${describe(value, shape)} at '${at}' failed to satisfy constraint: ${constraint}` });
  switch (shape.type) {
    case 'structure': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return void fail('Member must be a structure');
      const v = value as Record<string, unknown>;
      for (const req of shape.required ?? []) {
        const p = join(path, req);
        if (v[req] === undefined || v[req] === null) failures.push({ path: p, message: `Value null at '${p}' failed to satisfy constraint: Member must not be null` });
      }
      let set = 0;
      for (const [name, member] of Object.entries(shape.members ?? {})) {
        if (v[name] === undefined || v[name] === null) continue;
        set++;
        validate(api, member.shape, v[name], join(path, name), failures);
      }
      if (shape.union && set !== 1) fail('Member must have exactly one member set');
      return;
    }
    case 'list': {
      if (!Array.isArray(value)) return void fail('Member must be a list');
      if (shape.min !== undefined && value.length < shape.min) fail(`Member must have length greater than or equal to ${shape.min}`);
      if (shape.max !== undefined && value.length > shape.max) fail(`Member must have length less than or equal to ${shape.max}`);
      value.forEach((item, i) => validate(api, shape.member!.shape, item, `${at}.${i + 1}.member`, failures));
      return;
    }
    case 'map': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return void fail('Member must be a map');
      const entries = Object.entries(value);
      if (shape.min !== undefined && entries.length < shape.min) fail(`Member must have length greater than or equal to ${shape.min}`);
      if (shape.max !== undefined && entries.length > shape.max) fail(`Member must have length less than or equal to ${shape.max}`);
      for (const [k, item] of entries) {
        validate(api, shape.key!.shape, k, `${at}.key`, failures);
        validate(api, shape.value!.shape, item, `${at}.${k}`, failures);
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
        const key = (api.wholePatterns ? 'whole ' : 'part ') + shape.pattern;
        let re = patterns.get(key);
        if (!re) patterns.set(key, (re = api.wholePatterns ? compileJavaPattern(shape.pattern) : new RegExp(shape.pattern)));
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

function describe(value: unknown, shape: RestShape): string {
  if (shape.sensitive) return "'***'";
  if (typeof value === 'string') return `'${value.slice(0, 256)}'`;
  if (typeof value === 'number' || typeof value === 'boolean') return `'${value}'`;
  return 'of the wrong type';
}
