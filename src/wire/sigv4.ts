/**
 * Who is calling, from the SigV4 credential scope:
 * `Authorization: AWS4-HMAC-SHA256 Credential=<AKID>/<date>/<region>/events/aws4_request, ...`.
 * A 12-digit access key id is taken as the account id, anything else maps to the
 * default account (000000000000 unless --default-account says otherwise), so tests can
 * play several accounts just by choosing keys. Without --require-auth nothing is verified;
 * under it the caller is built from the verified scope only (app.ts).
 */
import { authErrors } from '../errors.js';

export const defaultAccount = '000000000000';
export const defaultRegion = 'us-east-1';

export interface Caller {
  account: string;
  region: string;
  accessKeyId?: string;
}

export const sigV4Algorithm = 'AWS4-HMAC-SHA256';
export const sigV4aAlgorithm = 'AWS4-ECDSA-P256-SHA256';
const authorizationParameters = new Set(['Credential', 'SignedHeaders', 'Signature']);

/** The account a key plays: itself when it is 12 digits, else the default account. */
export function accountOfKey(accessKeyId: string, fallback = defaultAccount): string {
  return /^\d{12}$/.test(accessKeyId) ? accessKeyId : fallback;
}

/**
 * The parameters of a SigV4 / SigV4a Authorization header, by name; undefined for another
 * scheme. One parser for the scope the caller is taken from and the scope the signature is
 * checked against: a second `Credential` (or any parameter given twice, or one SigV4 does
 * not define) is malformed, so no header can name one identity and be verified as another.
 */
export function authorizationParams(header: string): { scheme: string; params: Map<string, string> } | undefined {
  const space = header.indexOf(' ');
  const scheme = space < 0 ? header : header.slice(0, space);
  if (scheme !== sigV4Algorithm && scheme !== sigV4aAlgorithm) return undefined;
  const params = new Map<string, string>();
  for (const token of header.slice(space + 1).split(/[\s,]+/).filter(Boolean)) {
    const eq = token.indexOf('=');
    if (eq < 0) throw authErrors.notKeyValue(token, header);
    const name = token.slice(0, eq);
    if (!authorizationParameters.has(name)) throw authErrors.unknownParameter(name, header);
    if (params.has(name)) throw authErrors.repeatedParameter(name, header);
    params.set(name, token.slice(eq + 1));
  }
  return { scheme, params };
}

/**
 * The last caller parsed, with its header cut around the signature's value. An SDK signs every
 * call, so no two headers are alike, but one client's scope (key, date, region) and signed headers
 * repeat, and the caller depends on nothing else (profile of PutEvents ingest: parsing the header
 * was ~5 % of the emulator's own CPU). A header is the remembered one when it has the same text
 * up to and including its first `Signature=` (which must start a parameter), the same text after
 * the value, and a value without separators: it then tokenizes alike but for that value. Only
 * headers that parsed are remembered. The caller object is shared: callers are read, never changed.
 */
let remembered: { prefix: string; suffix: string; fallbackAccount: string; caller: Caller } | undefined;

export function callerFromAuthorization(header: string | undefined, regionSet?: string, fallbackAccount = defaultAccount): Caller {
  if (header === undefined || regionSet !== undefined) return parseCaller(header, regionSet, fallbackAccount);
  const last = remembered;
  if (last !== undefined && last.fallbackAccount === fallbackAccount && sameButSignature(header, last.prefix, last.suffix)) return last.caller;
  const caller = parseCaller(header, regionSet, fallbackAccount);
  const at = header.indexOf('Signature=');
  if (at > 0 && isParameterSeparator(header.charCodeAt(at - 1))) {
    const valueStart = at + 'Signature='.length;
    let end = valueStart;
    while (end < header.length && !isParameterSeparator(header.charCodeAt(end))) end++;
    remembered = { prefix: header.slice(0, valueStart), suffix: header.slice(end), fallbackAccount, caller };
  }
  return caller;
}

function sameButSignature(header: string, prefix: string, suffix: string): boolean {
  const end = header.length - suffix.length;
  // slice + === rather than startsWith: a flat compare, half the time on a 200-character prefix (measured).
  if (end < prefix.length || header.slice(0, prefix.length) !== prefix || header.slice(end) !== suffix) return false;
  for (let i = prefix.length; i < end; i++) {
    const c = header.charCodeAt(i);
    // Most signature characters are hex digits, above every separator but U+00A0 and those past U+00FF.
    if ((c <= 0x2c || c === 0xa0 || c > 0xff) && isParameterSeparator(c)) return false;
  }
  return true;
}

const whitespace = /\s/;

/** What authorizationParams splits parameters at: `[\s,]`. */
function isParameterSeparator(c: number): boolean {
  if (c === 0x2c || c === 0x20 || (c >= 0x09 && c <= 0x0d) || c === 0xa0) return true;
  return c > 0xff && whitespace.test(String.fromCharCode(c));
}

function parseCaller(header: string | undefined, regionSet: string | undefined, fallbackAccount: string): Caller {
  const parsed = header ? authorizationParams(header) : undefined;
  const scope = parsed?.params.get('Credential')?.split('/');
  // SigV4: <AKID>/<date>/<region>/<service>/aws4_request. SigV4a (PutEvents with EndpointId):
  // <AKID>/<date>/<service>/aws4_request, the region in X-Amz-Region-Set.
  const v4 = parsed?.scheme === sigV4Algorithm && scope?.length === 5 && scope[4] === 'aws4_request';
  const v4a = parsed?.scheme === sigV4aAlgorithm && scope?.length === 4 && scope[3] === 'aws4_request';
  if (!scope || (!v4 && !v4a) || !scope[0]) return { account: fallbackAccount, region: defaultRegion };
  const accessKeyId = scope[0];
  const setRegion = regionSet?.split(',')[0].trim();
  return {
    accessKeyId,
    account: accountOfKey(accessKeyId, fallbackAccount),
    region: v4 ? scope[2] || defaultRegion : setRegion && setRegion !== '*' ? setRegion : defaultRegion,
  };
}
