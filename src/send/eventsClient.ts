/**
 * The smallest AWS JSON 1.1 client, for `eventbridge-local send` (the package's runtime
 * dependencies carry no AWS SDK). It talks to eventbridge-local only: the emulator reads
 * the account from the access key id and the region from the SigV4 credential scope and
 * does not verify signatures, so the Authorization header carries the scope and a
 * placeholder signature.
 */
export interface Caller {
  account: string;
  region: string;
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
  const day = new Date().toISOString().slice(0, 10).replaceAll('-', '');
  const scope = `${caller.account}/${day}/${caller.region}/events/aws4_request`;
  const res = await fetch(endpoint.replace(/\/+$/, '') + '/', {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-amz-json-1.1',
      'X-Amz-Target': `AWSEvents.${operation}`,
      Authorization: `AWS4-HMAC-SHA256 Credential=${scope}, SignedHeaders=content-type;host;x-amz-target, Signature=${'0'.repeat(64)}`,
    },
    body: JSON.stringify(input),
  });
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
