import type { ServerResponse } from 'node:http';
import { AwsError } from '../errors.js';
import { SpelledOutput } from '../apis/events/actions/types.js';

export const jsonContentType = 'application/x-amz-json-1.1';

/** One writeHead + end: headers and body leave in a single write. */
function send(res: ServerResponse, status: number, headers: Record<string, string>, body: string): void {
  headers['Content-Length'] = String(Buffer.byteLength(body));
  res.writeHead(status, headers);
  res.end(body);
}

export function sendResult(res: ServerResponse, requestId: string, result: object | void): void {
  // Operations without output members answer an empty body, as awsJson1_1 says a server should
  // (the SDKs accept `{}` too); the Content-Type is still sent.
  const body = result === undefined ? '' : result instanceof SpelledOutput ? result.json() : JSON.stringify(result);
  // All three headers in the literal: no property added to it afterwards.
  const headers = { 'Content-Type': jsonContentType, 'x-amzn-RequestId': requestId, 'Content-Length': String(Buffer.byteLength(body)) };
  res.writeHead(200, headers);
  res.end(body);
}

export function sendError(res: ServerResponse, requestId: string, err: AwsError): void {
  // Some AWS errors carry no message at all; send none rather than an empty one.
  const body = JSON.stringify(err.message ? { __type: err.type, message: err.message } : { __type: err.type });
  send(res, err.status, { 'Content-Type': jsonContentType, 'x-amzn-RequestId': requestId, 'x-amzn-ErrorType': err.type }, body);
}
