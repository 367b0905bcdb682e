/**
 * The OAuth client-credentials token request, and reading its answer. Pure.
 *
 * AWS documents that EventBridge "exchanges your client ID and secret for an access token"
 * at the AuthorizationEndpoint with the configured HttpMethod and OAuthHttpParameters, but
 * not the wire format (aws-facts §6.2, undocumented point 5). The emulator's choice follows
 * RFC 6749 §4.4, which endpoints such as Cognito require (reports in localstack#11342 say
 * real EventBridge works against them with a form body):
 * - the form `grant_type=client_credentials` (unless a body parameter sets grant_type),
 *   `client_id`, `client_secret`, then the OAuthHttpParameters body parameters, encoded as
 *   `application/x-www-form-urlencoded` - in the body for POST and PUT, in the query for GET;
 * - the OAuthHttpParameters query parameters after the endpoint's own query;
 * - headers `Accept: application/json`, `User-Agent: Amazon/EventBridge/ApiDestinations`,
 *   the form Content-Type, and the OAuthHttpParameters header parameters;
 * - the answer: `access_token` (required) and `expires_in` (seconds, optional), read from
 *   JSON or from a form-encoded body.
 */
import type { ConnectionAuthParameters, OAuthTokenRecord } from '../../store/schema.js';
import type { HttpResult } from './httpClient.js';
import { removedHeaders, userAgent, type HttpRequestSpec } from './httpRequest.js';

type OAuthParameters = NonNullable<ConnectionAuthParameters['OAuthParameters']>;

export function buildTokenRequest(oauth: OAuthParameters): HttpRequestSpec {
  const method = oauth.HttpMethod ?? 'POST';
  const extra = oauth.OAuthHttpParameters ?? {};
  const form = new URLSearchParams();
  const bodyKeys = new Set((extra.BodyParameters ?? []).map((p) => p.Key));
  if (!bodyKeys.has('grant_type')) form.append('grant_type', 'client_credentials');
  if (!bodyKeys.has('client_id')) form.append('client_id', oauth.ClientParameters?.ClientID ?? '');
  if (!bodyKeys.has('client_secret')) form.append('client_secret', oauth.ClientParameters?.ClientSecret ?? '');
  for (const p of extra.BodyParameters ?? []) form.append(p.Key, p.Value ?? '');

  const url = new URL(oauth.AuthorizationEndpoint!);
  for (const p of extra.QueryStringParameters ?? []) url.searchParams.append(p.Key, p.Value ?? '');
  if (method === 'GET') for (const [k, v] of form) url.searchParams.append(k, v);
  const body = method === 'GET' ? '' : form.toString();

  // Null-prototype: a header parameter may be named `__proto__`.
  const headers = Object.create(null) as Record<string, string>;
  headers['User-Agent'] = userAgent;
  headers.Accept = 'application/json';
  if (method !== 'GET') headers['Content-Type'] = 'application/x-www-form-urlencoded';
  for (const p of extra.HeaderParameters ?? []) {
    if (!removedHeaders.has(p.Key.toLowerCase())) headers[p.Key] = p.Value ?? '';
  }
  headers['Content-Length'] = String(Buffer.byteLength(body));
  return { method, url: url.toString(), headers, body };
}

export type TokenRead = { ok: true; token: OAuthTokenRecord } | { ok: false; reason: string };

/** The token in the authorization endpoint's answer, or why there is none (never quoting the answer: it may hold secrets). */
export function readTokenResponse(result: HttpResult, now: number, timeoutMs: number): TokenRead {
  if (result.kind === 'timeout') return { ok: false, reason: `the authorization endpoint did not answer within ${timeoutMs / 1000} seconds.` };
  if (result.kind !== 'response') return { ok: false, reason: `the authorization endpoint could not be reached (${result.message}).` };
  if (result.status < 200 || result.status > 299) return { ok: false, reason: `the authorization endpoint answered HTTP ${result.status}.` };
  const fields = parseFields(result.body.toString('utf8'));
  const accessToken = fields?.access_token;
  if (typeof accessToken !== 'string' || accessToken === '') return { ok: false, reason: 'the authorization endpoint answered without an access_token.' };
  const expiresIn = Number(fields!.expires_in);
  const expiresAt = fields!.expires_in !== undefined && Number.isFinite(expiresIn) ? now + expiresIn * 1000 : undefined;
  return { ok: true, token: { accessToken, obtainedAt: now, expiresAt } };
}

function parseFields(text: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    const form = new URLSearchParams(text);
    return form.has('access_token') ? Object.fromEntries(form) : undefined;
  }
}
