/**
 * Who is calling, from the SigV4 credential scope (no signature check):
 * `Authorization: AWS4-HMAC-SHA256 Credential=<AKID>/<date>/<region>/events/aws4_request, ...`.
 * A 12-digit access key id is taken as the account id, anything else maps to the
 * default account, so tests can play several accounts just by choosing keys.
 */
export const defaultAccount = '000000000000';
export const defaultRegion = 'us-east-1';

export interface Caller {
  account: string;
  region: string;
  accessKeyId?: string;
}

// SigV4: Credential=<AKID>/<date>/<region>/events/aws4_request.
const credentialPattern = /Credential=([^/,\s]+)\/[^/]*\/([^/]+)\/[^/]+\/aws4_request/;
// SigV4a (PutEvents with EndpointId): Credential=<AKID>/<date>/events/aws4_request, region in X-Amz-Region-Set.
const credentialPatternV4a = /Credential=([^/,\s]+)\/[^/]*\/[^/]+\/aws4_request/;

export function callerFromAuthorization(header: string | undefined, regionSet?: string): Caller {
  const match = header ? credentialPattern.exec(header) : null;
  const matchV4a = !match && header ? credentialPatternV4a.exec(header) : null;
  if (!match && !matchV4a) return { account: defaultAccount, region: defaultRegion };
  const accessKeyId = (match ?? matchV4a)![1];
  const setRegion = regionSet?.split(',')[0].trim();
  return {
    accessKeyId,
    account: /^\d{12}$/.test(accessKeyId) ? accessKeyId : defaultAccount,
    region: match ? match[2] : setRegion && setRegion !== '*' ? setRegion : defaultRegion,
  };
}
