/**
 * The only place that speaks HTTP for the AWS API. One fixed pipeline, each
 * stage owning one AWS error:
 *   size cap -> content type -> JSON -> X-Amz-Target -> SigV4 (verified under --require-auth) + scope -> validate -> action.
 */
import express, { type NextFunction, type Request, type Response } from 'express';
import { AwsError, InternalException, NotImplementedException, SerializationException, UnknownOperationException } from '../errors.js';
import { limits } from '../limits.js';
import { OPERATION_NAMES, type OperationName } from '../api/shapes.generated.js';
import { parseRequest } from '../validation/index.js';
import { actions } from '../actions/index.js';
import type { ActionContext } from '../actions/types.js';
import type { Logger } from '../util/log.js';
import { callerFromAuthorization } from './sigv4.js';
import { verifySigV4, type VerifyOptions } from './sigv4Verify.js';
import { sendError, sendResult } from './respond.js';

export type WireDeps = Pick<ActionContext, 'store' | 'clock' | 'ids' | 'log' | 'router' | 'rulesChanged' | 'replays' | 'apiDestinations'>;

const targetPrefix = 'AWSEvents.';
const modeledOperations = new Set<string>(OPERATION_NAMES);
const jsonContentTypes = new Set(['application/x-amz-json-1.1', 'application/x-amz-json-1.0', 'application/json']);

class RequestEntityTooLarge extends AwsError {
  constructor() {
    super('RequestEntityTooLargeException', `Request body is larger than ${limits.maxRequestBodyBytes} bytes.`, 413);
  }
}

/** `auth`: verify every request's signature (--require-auth); undefined trusts the scope as given. */
export function awsApiRouter(deps: WireDeps, auth?: VerifyOptions): express.Router {
  const router = express.Router();
  router.post('/', express.raw({ type: () => true, limit: limits.maxRequestBodyBytes }), (req, res) => {
    const requestId = deps.ids.uuid();
    handle(deps, req, requestId, auth)
      .then((result) => sendResult(res, requestId, result))
      .catch((err) => sendError(res, requestId, toAwsError(err, deps.log, requestId)));
  });
  router.use((err: unknown, _req: Request, res: Response, next: NextFunction) => {
    if ((err as { type?: string }).type === 'entity.too.large') return sendError(res, deps.ids.uuid(), new RequestEntityTooLarge());
    next(err);
  });
  return router;
}

async function handle(deps: WireDeps, req: Request, requestId: string, auth: VerifyOptions | undefined): Promise<object | void> {
  checkContentType(req.headers['content-type']);
  const body = parseBody(req.body as Buffer);
  const operation = operationFromTarget(req.headers['x-amz-target']);
  if (auth) await verify(req, auth);
  const caller = callerFromAuthorization(req.headers.authorization, req.header('x-amz-region-set'));
  // Validated, with unknown members and nulls dropped, as AWS reads it.
  const input = parseRequest(operation, body);
  const action = actions[operation as OperationName];
  if (!action) throw new NotImplementedException(`Operation ${operation} is not implemented by eventbridge-local yet (see docs/compatibility.md).`);
  const ctx: ActionContext = {
    ...deps,
    account: caller.account,
    region: caller.region,
    requestId,
    ns: deps.store.namespace(caller.account, caller.region),
  };
  return action(ctx, input);
}

function verify(req: Request, auth: VerifyOptions): Promise<unknown> {
  const url = req.originalUrl;
  const q = url.indexOf('?');
  const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
  return verifySigV4({ method: req.method, path: q < 0 ? url : url.slice(0, q), query: q < 0 ? '' : url.slice(q + 1), headers: req.headers, body: raw }, auth);
}

function checkContentType(header: string | undefined): void {
  const type = header?.split(';')[0].trim().toLowerCase();
  // Coral-based JSON services answer a request in another protocol as an unknown operation (404).
  if (!type || !jsonContentTypes.has(type)) {
    throw new AwsError('UnknownOperationException', 'Requests must use Content-Type application/x-amz-json-1.1.', 404);
  }
}

function parseBody(body: Buffer | undefined): Record<string, unknown> {
  if (!body || body.length === 0) return {};
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

function operationFromTarget(header: string | string[] | undefined): string {
  const target = Array.isArray(header) ? header[0] : header;
  const operation = target?.startsWith(targetPrefix) ? target.slice(targetPrefix.length) : undefined;
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
