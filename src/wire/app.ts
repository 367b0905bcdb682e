/**
 * The only place that speaks HTTP for the AWS API. One fixed pipeline, each
 * stage owning one AWS error:
 *   size cap -> content type -> JSON -> X-Amz-Target -> SigV4 (verified under --require-auth) + scope -> validate -> action.
 * Under --require-auth the caller (account, region) is built from the verified scope alone.
 * What no route serves, and every error express raises, ends in fallback.ts (JSON, never HTML).
 * It works on Node's plain request and response, so the server can hand it `POST /`
 * without going through express (the hot path of every SDK call); the express router
 * below mounts the same handler for apps that embed the emulator's express app.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import express from 'express';
import { authErrors, AwsError, InternalException, NotImplementedException, SerializationException, UnknownOperationException } from '../errors.js';
import { limits } from '../limits.js';
import { OPERATION_NAMES, type OperationName } from '../apis/events/model/shapes.generated.js';
import { parseRequest } from '../engine/validation/index.js';
import { actions } from '../apis/events/actions/index.js';
import type { ActionContext } from '../apis/events/actions/types.js';
import type { Logger } from '../util/log.js';
import { isRegion } from '../apis/events/domain/regions.js';
import { accountOfKey, callerFromAuthorization, type Caller } from './sigv4.js';
import { verifySigV4, type VerifyOptions } from './sigv4Verify.js';
import type { HostPolicy } from './hosts.js';
import { jsonContentType, sendError, sendResult } from './respond.js';
import { pointOnlyEventsHere, QueryProtocolRequest, sendXmlError, servesEvents, signingService } from './fallback.js';

export type WireDeps = Pick<ActionContext, 'store' | 'clock' | 'ids' | 'log' | 'router' | 'rulesChanged' | 'replays' | 'apiDestinations'>;

const targetPrefix = 'AWSEvents.';
const modeledOperations = new Set<string>(OPERATION_NAMES);
// AWS requires `host` signed (sigv4Verify); the operation's name must be signed too.
const signedForTheApi = ['x-amz-target'];
const jsonContentTypes = new Set(['application/x-amz-json-1.1', 'application/x-amz-json-1.0', 'application/json']);

class RequestEntityTooLarge extends AwsError {
  constructor() {
    super('RequestEntityTooLargeException', `Request body is larger than ${limits.maxRequestBodyBytes} bytes.`, 413);
  }
}

class ClientAborted extends Error {
  constructor(readonly receivedBytes: number) {
    super('request aborted');
  }
}

export type AwsApiHandler = (req: IncomingMessage, res: ServerResponse) => void;

export interface WireOptions {
  /** Verify every request's signature (--require-auth); undefined trusts the scope as given. */
  auth?: VerifyOptions;
  /** The account of an access key id that is not 12 digits (--default-account). */
  defaultAccount: string;
  /** Which browser Origins are the emulator's own (SDKs send none; a foreign or DNS-rebound page does). */
  hosts?: HostPolicy;
}

export function awsApiHandler(deps: WireDeps, wire: WireOptions): AwsApiHandler {
  return (req, res) => {
    const requestId = deps.ids.uuid();
    const fail = (err: unknown) => {
      if (err instanceof ClientAborted) {
        // The client went away mid-upload: nobody to answer, nothing wrong on our side.
        deps.log.debug('request aborted by the client', { requestId, receivedBytes: err.receivedBytes });
        return;
      }
      if (err instanceof QueryProtocolRequest) sendXmlError(res, requestId, err);
      else sendError(res, requestId, toAwsError(err, deps.log, requestId));
    };
    // A callback, not a promise, for the body; and an action that answers at once (PutEvents in
    // memory) is answered in this same turn: no promise per call on the common path.
    readBody(req, limits.maxRequestBodyBytes, (body) => {
      let answer: Answer;
      try {
        answer = handle(deps, req, body, requestId, wire);
        if (!(answer instanceof Promise)) return sendResult(res, requestId, answer);
      } catch (err) {
        return fail(err);
      }
      answer.then((result) => sendResult(res, requestId, result)).catch(fail);
    }, fail);
  };
}

/** What an action answers: at once, or once it has finished (an action's output, or nothing). */
type Answer = object | void | Promise<object | void>;

export function awsApiRouter(handler: AwsApiHandler): express.Router {
  const router = express.Router();
  router.post('/', (req, res) => handler(req, res));
  return router;
}

/**
 * The body, refused as soon as it is known to exceed the cap (by Content-Length, or while it
 * streams). Exactly one of `done` and `fail` is called, once.
 */
function readBody(req: IncomingMessage, limit: number, done: (body: Buffer) => void, fail: (err: unknown) => void): void {
  let settled = false;
  const refuse = () => {
    settled = true;
    // Stop reading: the answer goes out now, and the rest of the body is not wanted.
    req.removeAllListeners('data');
    req.pause();
    fail(new RequestEntityTooLarge());
  };
  if (Number(req.headers['content-length']) > limit) return refuse();
  const chunks: Buffer[] = [];
  let size = 0;
  req.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > limit) return refuse();
    chunks.push(chunk);
  });
  req.once('end', () => {
    if (settled) return;
    settled = true;
    done(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size));
  });
  req.once('error', (err) => {
    if (settled) return;
    settled = true;
    fail(req.destroyed && !req.complete ? new ClientAborted(size) : err);
  });
}

function handle(deps: WireDeps, req: IncomingMessage, rawBody: Buffer, requestId: string, wire: WireOptions): Answer {
  const auth = wire.auth;
  if (wire.hosts) checkOrigin(req, wire.hosts);
  checkContentType(req, rawBody);
  const body = parseBody(rawBody);
  const operation = operationFromTarget(req.headers['x-amz-target'], req.headers.authorization);
  if (auth) return verifiedCaller(req, rawBody, auth, wire.defaultAccount).then((caller) => run(deps, operation, body, caller, requestId));
  return run(deps, operation, body, unverifiedCaller(req, wire.defaultAccount), requestId);
}

/** The caller's request, validated, given to its action. */
function run(deps: WireDeps, operation: string, body: Record<string, unknown>, caller: Caller, requestId: string): Answer {
  // A Region that does not exist is refused before anything else (and gets no namespace).
  if (!isRegion(caller.region)) throw authErrors.invalidRegion();
  // Validated, with unknown members and nulls dropped, as AWS reads it.
  const input = parseRequest(operation, body);
  const action = actions[operation as OperationName];
  if (!action) throw new NotImplementedException(`Operation ${operation} is not implemented by eventbridge-local yet (see docs/compatibility.md).`);
  const found = deps.store.findNamespace(caller.account, caller.region);
  const existed = found !== undefined;
  // Spelled out rather than spread from deps: this runs on every call, and a literal of fixed shape is cheaper.
  const ctx: ActionContext = {
    store: deps.store,
    clock: deps.clock,
    ids: deps.ids,
    log: deps.log,
    router: deps.router,
    rulesChanged: deps.rulesChanged,
    replays: deps.replays,
    apiDestinations: deps.apiDestinations,
    account: caller.account,
    region: caller.region,
    requestId,
    ns: found ?? deps.store.namespace(caller.account, caller.region),
  };
  // A refused request leaves no trace: not even the caller's namespace, if this request created it.
  const forget = (err: unknown): never => {
    if (!existed) deps.store.forgetIfUnchanged(ctx.ns);
    throw err;
  };
  let answer: Answer;
  try {
    answer = action(ctx, input);
  } catch (err) {
    return forget(err);
  }
  return answer instanceof Promise ? answer.catch(forget) : answer;
}

/** Under --require-auth the caller is exactly the identity the signature proved: its key's account, its scope's region. */
async function verifiedCaller(req: IncomingMessage, body: Buffer, auth: VerifyOptions, defaultAccount: string): Promise<Caller> {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const request = { method: req.method ?? 'POST', path: q < 0 ? url : url.slice(0, q), query: q < 0 ? '' : url.slice(q + 1), headers: req.headers, body };
  const verified = await verifySigV4(request, { ...auth, mustSign: signedForTheApi });
  return { accessKeyId: verified.accessKeyId, account: accountOfKey(verified.accessKeyId, defaultAccount), region: verified.region };
}

function unverifiedCaller(req: IncomingMessage, defaultAccount: string): Caller {
  const regionSet = req.headers['x-amz-region-set'];
  return callerFromAuthorization(req.headers.authorization, Array.isArray(regionSet) ? regionSet[0] : regionSet, defaultAccount);
}

/**
 * Emulator policy: a browser request from another site, or from a page that rebound its own
 * name to this address, is refused; SDKs and the CLI send no Origin, so other containers'
 * clients (Host: <service name>) are unaffected.
 */
function checkOrigin(req: IncomingMessage, hosts: HostPolicy): void {
  const origin = req.headers.origin;
  if (origin === undefined || hosts.originAllowed(origin, req.headers.host ?? '')) return;
  throw new AwsError('AccessDeniedException', `Origin '${origin.slice(0, 128)}' is not this emulator's: the API answers no other web page.`, 403);
}

function checkContentType(req: IncomingMessage, body: Buffer): void {
  const header = req.headers['content-type'];
  // What every SDK and the CLI send, taken without splitting it (this runs on every call).
  if (header === jsonContentType) return;
  const type = header?.split(';')[0].trim().toLowerCase();
  // A query-protocol call (aws sts, sns, iam ...: a form with Action=, no X-Amz-Target) sent here by the global AWS_ENDPOINT_URL.
  if (type === 'application/x-www-form-urlencoded' && req.headers['x-amz-target'] === undefined) {
    const action = new URLSearchParams(body.toString('utf8')).get('Action');
    if (action) throw new QueryProtocolRequest(action.slice(0, 128), signingService(req.headers.authorization));
  }
  // Coral-based JSON services answer a request in another protocol as an unknown operation (404).
  if (!type || !jsonContentTypes.has(type)) {
    throw new AwsError('UnknownOperationException', 'Requests must use Content-Type application/x-amz-json-1.1.', 404);
  }
}

function parseBody(body: Buffer): Record<string, unknown> {
  if (body.length === 0) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    throw new SerializationException('Request body is not valid JSON.');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new SerializationException('Start of structure or map found where not expected.');
  }
  return parsed as Record<string, unknown>;
}

function operationFromTarget(header: string | string[] | undefined, authorization: string | undefined): string {
  const target = Array.isArray(header) ? header[0] : header;
  const operation = target?.startsWith(targetPrefix) ? target.slice(targetPrefix.length) : undefined;
  if (target && operation === undefined) {
    // Another JSON service's call (AmazonSQS.ListQueues, DynamoDB_20120810.ListTables ...), most
    // often sent here by the global AWS_ENDPOINT_URL: say so, in the error its SDK prints.
    const service = signingService(authorization);
    const forService = service && service !== 'events' ? ` (a request for ${service})` : '';
    throw new UnknownOperationException(`${servesEvents}; X-Amz-Target ${target.slice(0, 128)}${forService} is not one of its operations. ${pointOnlyEventsHere}`);
  }
  if (!operation || !modeledOperations.has(operation)) {
    throw new UnknownOperationException(target ? `Operation ${target} is not recognized.` : 'Missing X-Amz-Target header.');
  }
  return operation;
}

function toAwsError(err: unknown, log: Logger, requestId: string): AwsError {
  if (err instanceof AwsError) return err;
  log.error('unexpected error', { requestId, error: err instanceof Error ? err.stack : String(err) });
  return new InternalException('An internal error occurred.');
}
