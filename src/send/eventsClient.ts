/**
 * The smallest AWS JSON 1.1 client, for `eventbridge-local send` (the package's runtime
 * dependencies carry no AWS SDK). It talks to eventbridge-local only. The emulator reads the
 * account from the access key id, so the key id is the account id; requests are SigV4-signed
 * with the caller's secret (@smithy/signature-v4, as the SDK signs), which an emulator
 * started with --require-auth verifies and any other ignores.
 */
import { loadSignatureV4 } from '../util/signatureV4.js';
import { Sha256 } from '../util/sha256.js';

export interface Caller {
  account: string;
  region: string;
  /** The secret for the access key id `account`. */
  secretAccessKey: string;
}

export class AwsCallError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

export async function callEvents(endpoint: string, caller: Caller, operation: string, input: object): Promise<any> {
  const url = new URL(endpoint.replace(/\/+$/, '') + '/');
  const res = await signedPost(url, caller, { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `AWSEvents.${operation}` }, JSON.stringify(input));
  const text = await res.text();
  let body: any = {};
  try {
    body = text ? JSON.parse(text) : {};
  } catch {
    throw new AwsCallError(`HTTP ${res.status}`, `${endpoint} did not answer as EventBridge does: ${text.slice(0, 200)}`);
  }
  if (!res.ok) throw new AwsCallError(body.__type ?? `HTTP ${res.status}`, body.message ?? body.Message ?? text);
  return body;
}

/**
 * A JSON POST to one of the emulator's own endpoints, SigV4-signed as the caller: under
 * --require-auth /_eventbridge-local/* takes a signature with a configured key (or the admin token).
 */
export function signedJsonPost(url: URL, caller: Caller, body: string): Promise<Response> {
  return signedPost(url, caller, { 'content-type': 'application/json' }, body);
}

/** A POST signed as the SDK signs (service `events`); fetch sends Host from the URL, so the same value is signed. */
async function signedPost(url: URL, caller: Caller, headers: Record<string, string>, body: string): Promise<Response> {
  const SignatureV4 = await loadSignatureV4();
  const signer = new SignatureV4({ credentials: { accessKeyId: caller.account, secretAccessKey: caller.secretAccessKey }, region: caller.region, service: 'events', sha256: Sha256 });
  const signed = await signer.sign({
    method: 'POST',
    protocol: url.protocol,
    hostname: url.hostname,
    port: url.port ? Number(url.port) : undefined,
    path: url.pathname,
    query: {},
    headers: { host: url.host, ...headers },
    body,
  });
  const { host: _host, ...sent } = signed.headers;
  return fetch(url, { method: 'POST', headers: sent, body });
}
