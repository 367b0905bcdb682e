import type { ServerResponse } from 'node:http';
import { AwsError } from '../errors.js';
import { SpelledOutput } from '../apis/events/actions/types.js';

export const jsonContentType = 'application/x-amz-json-1.1';

/**
 * One writeHead + end: headers and body leave in a single write. The callers put Content-Length
 * (contentLength) in their header literal: no property added to it afterwards.
 */
function send(res: ServerResponse, status: number, headers: Record<string, string>, body: string): void {
  res.writeHead(status, headers);
  res.end(body);
}

const contentLength = (body: string) => String(Buffer.byteLength(body));

export function sendResult(res: ServerResponse, requestId: string, result: object | void): void {
  // Operations without output members answer an empty body, as awsJson1_1 says a server should
  // (the SDKs accept `{}` too); the Content-Type is still sent.
  const body = result === undefined ? '' : result instanceof SpelledOutput ? result.json() : JSON.stringify(result);
  send(res, 200, { 'Content-Type': jsonContentType, 'x-amzn-RequestId': requestId, 'Content-Length': contentLength(body) }, body);
}

export function sendError(res: ServerResponse, requestId: string, err: AwsError): void {
  // Some AWS errors carry no message at all; send none rather than an empty one.
  const body = JSON.stringify(err.message ? { __type: err.type, message: err.message } : { __type: err.type });
  send(res, err.status, { 'Content-Type': jsonContentType, 'x-amzn-RequestId': requestId, 'x-amzn-ErrorType': err.type, 'Content-Length': contentLength(body) }, body);
}
