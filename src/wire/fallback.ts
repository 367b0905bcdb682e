/**
 * The end of every express route: one JSON answer for what no route took and for every
 * error a route or middleware raised, so no client ever gets express's HTML page (with its
 * stack trace and absolute paths). Bodies are AWS-shaped, `{"__type", "message"}` with
 * `x-amzn-ErrorType`, so an SDK or the aws CLI pointed here for another service (the global
 * AWS_ENDPOINT_URL sends every service) prints what went wrong.
 */
import type { ServerResponse } from 'node:http';
import type { NextFunction, Request, Response } from 'express';
import { AwsError, InternalException } from '../errors.js';
import type { Ids } from '../util/ids.js';
import type { Logger } from '../util/log.js';
import { sendError } from './respond.js';
import { authorizationParams } from './sigv4.js';

export const servesEvents = 'This endpoint serves the EventBridge APIs (events, scheduler and pipes)';

/** A path no route serves: most often another AWS service's REST API reaching us through AWS_ENDPOINT_URL. */
export function notServed(ids: Ids) {
  return (req: Request, res: Response) => {
    const service = signingService(req.headers.authorization);
    const what = service && service !== 'events' ? `a request for ${service} (${req.method} ${pathOf(req)})` : `${req.method} ${pathOf(req)}`;
    const err = new AwsError('UnknownOperationException', `${servesEvents}; ${what} is not part of it. ${pointOnlyEventsHere}`, 404);
    // REST-XML services' SDKs read errors as XML only.
    if (service && restXmlServices.has(service)) sendXmlError(res, ids.uuid(), err);
    else sendError(res, ids.uuid(), err);
  };
}

const restXmlServices = new Set(['s3', 's3control', 'route53', 'cloudfront']);

export const pointOnlyEventsHere =
  'Send only EventBridge here: set AWS_ENDPOINT_URL_EVENTBRIDGE, AWS_ENDPOINT_URL_SCHEDULER and AWS_ENDPOINT_URL_PIPES (or --endpoint-url on aws events / aws scheduler / aws pipes) rather than the global AWS_ENDPOINT_URL.';

/** The SigV4 scope's service (`Credential=<key>/<date>/<region>/<service>/aws4_request`), if the header has one. */
export function signingService(header: string | undefined): string | undefined {
  try {
    const scope = header ? authorizationParams(header)?.params.get('Credential')?.split('/') : undefined;
    return scope && scope.length >= 4 ? scope[scope.length - 2] : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Another service's query-protocol call (a form with `Action=`): its SDK reads errors as XML
 * (`<ErrorResponse><Error><Code>`), so the answer is in that shape, or the CLI could not print it.
 */
export class QueryProtocolRequest extends AwsError {
  constructor(action: string, service: string | undefined) {
    const forService = service && service !== 'events' ? `, a request for ${service}` : '';
    super('UnknownOperationException', `${servesEvents}; the query-protocol call Action=${action}${forService} is not part of it. ${pointOnlyEventsHere}`, 400);
  }
}

const xmlEscape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function sendXmlError(res: ServerResponse, requestId: string, err: AwsError): void {
  const body = `<ErrorResponse><Error><Type>Sender</Type><Code>${err.type}</Code><Message>${xmlEscape(err.message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`;
  res.writeHead(err.status, { 'Content-Type': 'text/xml', 'Content-Length': String(Buffer.byteLength(body)), 'x-amzn-RequestId': requestId });
  res.end(body);
}

/** What body-parser and serve-static raise, by their `type` / status. */
interface HttpError {
  type?: string;
  status?: number;
  statusCode?: number;
  expose?: boolean;
}

export function errorHandler(ids: Ids, log: Logger) {
  return (err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const requestId = ids.uuid();
    const e = (err ?? {}) as HttpError;
    if (e.type === 'request.aborted') {
      // The client went away mid-upload: nobody to answer, nothing wrong on our side.
      log.debug('request aborted by the client', { requestId, method: req.method, path: pathOf(req) });
      return;
    }
    if (res.headersSent) {
      res.destroy();
      return;
    }
    sendError(res, requestId, toAwsError(err, e, req, requestId, log));
  };
}

function toAwsError(err: unknown, e: HttpError, req: Request, requestId: string, log: Logger): AwsError {
  if (err instanceof AwsError) return err;
  const status = e.status ?? e.statusCode;
  if (e.type === 'entity.parse.failed') return new AwsError('SerializationException', 'Request body is not valid JSON.', 400);
  if (e.type === 'entity.too.large') return new AwsError('RequestEntityTooLargeException', 'Request body is too large.', 413);
  if (e.type === 'encoding.unsupported' || e.type === 'charset.unsupported') return new AwsError('UnsupportedMediaTypeException', 'Unsupported request encoding.', 415);
  if (status === 404) return new AwsError('ResourceNotFoundException', `${req.method} ${pathOf(req)}: not found.`, 404);
  if (status === 403) return new AwsError('AccessDeniedException', `${req.method} ${pathOf(req)}: forbidden.`, 403);
  if (status !== undefined && status >= 400 && status < 500 && e.expose) return new AwsError('ValidationException', `${req.method} ${pathOf(req)}: refused (HTTP ${status}).`, status);
  log.error('unexpected error', { requestId, method: req.method, path: pathOf(req), error: err instanceof Error ? err.stack : String(err) });
  return new InternalException('An internal error occurred.');
}

/** The path as asked for, without the query string (which may hold a token). */
const pathOf = (req: Request) => req.originalUrl.split('?')[0].slice(0, 256);
