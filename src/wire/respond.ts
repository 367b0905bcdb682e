import type { Response } from 'express';
import { AwsError } from '../errors.js';

export const jsonContentType = 'application/x-amz-json-1.1';

export function sendResult(res: Response, requestId: string, result: object | void): void {
  res.status(200).set({ 'Content-Type': jsonContentType, 'x-amzn-RequestId': requestId });
  // Operations without output members answer an empty body, as the protocol allows; the SDKs accept both.
  res.end(result === undefined ? '{}' : JSON.stringify(result));
}

export function sendError(res: Response, requestId: string, err: AwsError): void {
  res.status(err.status).set({
    'Content-Type': jsonContentType,
    'x-amzn-RequestId': requestId,
    'x-amzn-ErrorType': err.type,
  });
  // Some AWS errors carry no message at all; send none rather than an empty one.
  res.end(JSON.stringify(err.message ? { __type: err.type, message: err.message } : { __type: err.type }));
}
