/**
 * SigV4 verification for --require-auth: the request is rebuilt from what arrived (method,
 * path, query, the signed headers only, the raw body), re-signed with @smithy/signature-v4
 * using the secret of the access key in the credential scope, the date of X-Amz-Date and
 * the scope's region and service, and the two signatures are compared in constant time.
 *
 * Checks run in this order, each with AWS's error: an Authorization header at all
 * (MissingAuthenticationTokenException), its shape, one of each parameter, `host` (and
 * `x-amz-target`) signed (IncompleteSignatureException), the
 * scope's service, X-Amz-Date within 5 minutes of now, a known access key id
 * (UnrecognizedClientException), then the signature (InvalidSignatureException).
 * Only the header form is verified: presigned query strings and SigV4a are refused.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { SignatureV4 } from '@smithy/signature-v4';
import { loadSignatureV4 } from '../util/signatureV4.js';
import { authErrors } from '../errors.js';
import { Sha256 } from '../util/sha256.js';
import { authorizationParams, sigV4aAlgorithm } from './sigv4.js';

export interface SignedRequest {
  method: string;
  /** The path as sent, without the query string. */
  path: string;
  /** The raw query string, without '?'. */
  query: string;
  /** Lower-case names, as node gives them. */
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

export interface VerifyOptions {
  /** Access key id -> secret access key. */
  credentials: ReadonlyMap<string, string>;
  /** Wall-clock milliseconds: SDKs sign with real time, not the emulator's virtual clock. */
  now: () => number;
  /** The signing name the scope must carry (`events`; the unit tests use AWS's test-suite name). */
  service?: string;
  /**
   * Headers that must be in SignedHeaders besides `host` (which always must): for the AWS API
   * `x-amz-target`, which names the operation; only where the request carries them.
   */
  mustSign?: readonly string[];
}

export interface VerifiedCaller {
  accessKeyId: string;
  region: string;
}

const maxSkewMs = 5 * 60_000;
const basicIso = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

type SignableRequest = Parameters<SignatureV4['sign']>[0];

export async function verifySigV4(req: SignedRequest, options: VerifyOptions): Promise<VerifiedCaller> {
  const service = options.service ?? 'events';
  const header = single(req.headers.authorization);
  if (!header) {
    const query = new URLSearchParams(req.query);
    if (query.has('X-Amz-Signature') || query.has('X-Amz-Credential')) throw authErrors.presignedUnsupported();
    throw authErrors.missingToken();
  }
  const mustSign = (options.mustSign ?? []).filter((name) => req.headers[name] !== undefined);
  const parts = parseAuthorization(header, req.headers, mustSign);
  const dateMs = parseAmzDate(parts.amzDate);
  const scope = parts.credential.split('/');
  if (scope.length !== 5) throw authErrors.badCredential(parts.credential);
  const [accessKeyId, , region, scopeService] = scope;
  if (scopeService !== service) throw authErrors.wrongService(service);
  checkSkew(parts.amzDate, dateMs, options.now());
  const secret = options.credentials.get(accessKeyId);
  if (secret === undefined) throw authErrors.unknownAccessKey();

  const payloadHash = createHash('sha256').update(req.body).digest('hex');
  const claimedHash = single(req.headers['x-amz-content-sha256']);
  if (claimedHash !== undefined && claimedHash !== payloadHash) throw authErrors.signatureMismatch();
  const expected = await signatureFor(req, { accessKeyId, secret, region, service, dateMs, signedHeaders: parts.signedHeaders });
  if (!expected || !sameSignature(expected, parts.signature)) throw authErrors.signatureMismatch();
  return { accessKeyId, region };
}

interface AuthorizationParts {
  credential: string;
  signedHeaders: string[];
  signature: string;
  amzDate: string;
}

/** `AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...` plus the date header. */
function parseAuthorization(header: string, headers: SignedRequest['headers'], mustSign: readonly string[]): AuthorizationParts {
  const parsed = authorizationParams(header);
  if (parsed?.scheme === sigV4aAlgorithm) throw authErrors.sigV4aUnsupported();
  const params = parsed?.params ?? new Map<string, string>();
  const amzDate = single(headers['x-amz-date']);
  const missing = [
    ...['Credential', 'Signature', 'SignedHeaders'].filter((name) => !params.get(name)).map((name) => `Authorization header requires '${name}' parameter.`),
    ...(amzDate === undefined && single(headers.date) === undefined ? ["Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header."] : []),
  ];
  if (missing.length) throw authErrors.incomplete(missing, header);
  const signedHeaders = params.get('SignedHeaders')!.toLowerCase().split(';');
  if (!signedHeaders.includes('host')) throw authErrors.hostNotSigned();
  for (const name of mustSign) if (!signedHeaders.includes(name)) throw authErrors.headerNotSigned(headerCase(name));
  if (amzDate === undefined) throw authErrors.dateHeaderUnsupported();
  return {
    credential: params.get('Credential')!,
    signedHeaders,
    signature: params.get('Signature')!,
    amzDate,
  };
}

/** x-amz-target -> X-Amz-Target, as AWS names headers in its messages. */
const headerCase = (name: string) => name.replace(/(^|-)([a-z])/g, (_m, dash: string, c: string) => dash + c.toUpperCase());

function parseAmzDate(value: string): number {
  const m = basicIso.exec(value);
  const ms = m ? Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]) : NaN;
  if (Number.isNaN(ms)) throw authErrors.badDate(value);
  return ms;
}

function checkSkew(amzDate: string, dateMs: number, nowMs: number): void {
  if (dateMs < nowMs - maxSkewMs) throw authErrors.expired(amzDate, basicIsoOf(nowMs - maxSkewMs), basicIsoOf(nowMs));
  if (dateMs > nowMs + maxSkewMs) throw authErrors.notYetCurrent(amzDate, basicIsoOf(nowMs + maxSkewMs), basicIsoOf(nowMs));
}

const basicIsoOf = (ms: number) => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/[-:]|\.000/g, '');

interface SigningInput {
  accessKeyId: string;
  secret: string;
  region: string;
  service: string;
  dateMs: number;
  signedHeaders: string[];
}

/** Re-signs the request as its client should have; undefined when a signed header is absent. */
async function signatureFor(req: SignedRequest, input: SigningInput): Promise<string | undefined> {
  const headers: Record<string, string> = {};
  for (const name of input.signedHeaders) {
    const value = req.headers[name];
    if (value === undefined) return undefined;
    headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  const query: Record<string, string | string[]> = {};
  for (const [key, value] of new URLSearchParams(req.query)) {
    const seen = query[key];
    query[key] = seen === undefined ? value : [...(Array.isArray(seen) ? seen : [seen]), value];
  }
  const SignatureV4Class = await loadSignatureV4();
  const signer = new SignatureV4Class({
    credentials: { accessKeyId: input.accessKeyId, secretAccessKey: input.secret },
    region: input.region,
    service: input.service,
    sha256: Sha256,
    // Sign exactly the headers the client listed: no x-amz-content-sha256 added.
    applyChecksum: false,
  });
  const request: SignableRequest = { method: req.method, protocol: 'http:', hostname: 'localhost', path: safeDecode(req.path), query, headers, body: req.body };
  const signed = await signer.sign(request, {
    signingDate: new Date(input.dateMs),
    signingRegion: input.region,
    signingService: input.service,
    // The signer always adds X-Amz-Date; it is canonical only if the client signed it.
    signableHeaders: new Set(input.signedHeaders),
    unsignableHeaders: new Set(input.signedHeaders.includes('x-amz-date') ? [] : ['x-amz-date']),
  });
  return /Signature=([0-9a-f]+)/.exec(String(signed.headers.authorization))?.[1];
}

function sameSignature(expected: string, given: string): boolean {
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(given, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function safeDecode(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}
