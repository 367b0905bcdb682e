/**
 * What AWS's quick-start Lambda function does with one inbound request, per provider:
 * parse the body (400 when it cannot), check the signature (401), and build the single
 * PutEvents entry it forwards. Pure: the HTTP side is in routes.ts.
 *
 * Evidence: the function code AWS publishes for the quick start (aws-samples/
 * serverless-patterns, eventbridge-webhooks/2-github and 3-twilio, app.py):
 *  - GitHub: content type application/json, or a form with one `payload` field; the
 *    body must be JSON. Source `github.com`; DetailType the `X-GitHub-Event` header
 *    (`github-webhook-lambda` when absent); Detail the payload JSON exactly as GitHub
 *    sent it. No request header is copied into the event.
 *  - Twilio: a form (or JSON) body; Source `twilio.com`; DetailType
 *    `twilio-webhook-lambda`; Detail an object of the parameters (the first value of a
 *    repeated one), with `Payload` parsed when `PayloadType` is application/json.
 *  - Body checks come before the signature check, as there.
 */
import { githubSignature, sha256Hex, signaturesEqual, twilioSignature } from './signatures.js';

export interface InboundRequest {
  /** Lower-case header names, first value only. */
  headers: Record<string, string | undefined>;
  body: Buffer;
  /** The full URL the sender requested, as it signed it (Twilio). */
  url: string;
}

export interface ForwardedEntry {
  Source: string;
  DetailType: string;
  Detail: string;
}

export type Conversion = { entry: ForwardedEntry } | { status: 400 | 401; message: string };

// Response texts of AWS's function.
const invalidSignature = { status: 401, message: 'Invalid Signature' } as const;
const badRequest = (message: string) => ({ status: 400, message }) as const;

function mediaType(header: string | undefined): string | undefined {
  return header?.split(';')[0].trim().toLowerCase() || undefined;
}

export function githubEvent(req: InboundRequest, secret: string): Conversion {
  const type = mediaType(req.headers['content-type']);
  if (type !== 'application/json' && type !== 'application/x-www-form-urlencoded') return badRequest('Unsupported content-type');
  if (req.body.length === 0) return badRequest('Missing event body');
  let payload = req.body.toString('utf8');
  if (type === 'application/x-www-form-urlencoded') {
    const values = new URLSearchParams(payload).getAll('payload');
    if (values.length !== 1) return badRequest('Invalid urlencoded payload');
    payload = values[0];
  }
  if (!isJson(payload)) return badRequest('Invalid JSON payload');
  // The signature covers the raw body bytes, whatever the content type.
  if (!signaturesEqual(req.headers['x-hub-signature-256'], githubSignature(secret, req.body))) return invalidSignature;
  return { entry: { Source: 'github.com', DetailType: req.headers['x-github-event'] ?? 'github-webhook-lambda', Detail: payload } };
}

export function twilioEvent(req: InboundRequest, authToken: string): Conversion {
  const type = mediaType(req.headers['content-type']);
  if (req.body.length === 0) return badRequest('Missing event body');
  const text = req.body.toString('utf8');
  let fields: Record<string, unknown>;
  let expected: string;
  if (type === 'application/x-www-form-urlencoded') {
    const params = [...new URLSearchParams(text)];
    fields = firstValues(params);
    expected = twilioSignature(authToken, req.url, params);
  } else if (type === 'application/json') {
    const parsed = parseJsonObject(text);
    if (!parsed) return badRequest('Invalid JSON payload');
    // JSON bodies: the URL carries bodySHA256, and only the URL is signed.
    if (new URL(req.url).searchParams.get('bodySHA256') !== sha256Hex(req.body)) return invalidSignature;
    fields = parsed;
    expected = twilioSignature(authToken, req.url, []);
  } else {
    return badRequest('Invalid content-type');
  }
  if (!signaturesEqual(req.headers['x-twilio-signature'], expected)) return invalidSignature;
  if (fields.PayloadType === 'application/json' && typeof fields.Payload === 'string') {
    const payload = parseJson(fields.Payload);
    if (payload === undefined) return badRequest('Invalid JSON payload');
    fields.Payload = payload;
  }
  return { entry: { Source: 'twilio.com', DetailType: 'twilio-webhook-lambda', Detail: JSON.stringify(fields) } };
}

function firstValues(params: Array<[string, string]>): Record<string, unknown> {
  const seen = new Set<string>();
  // fromEntries defines own properties, so a parameter named __proto__ stays a plain field.
  return Object.fromEntries(params.filter(([name]) => !seen.has(name) && seen.add(name)));
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

const isJson = (text: string) => parseJson(text) !== undefined;

function parseJsonObject(text: string): Record<string, unknown> | undefined {
  const value = parseJson(text);
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}
