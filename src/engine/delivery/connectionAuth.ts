/**
 * Connection authorization: the credentials header of each authorization type, and the
 * OAuth token manager.
 *
 * - BASIC: `Authorization: Basic base64(Username:Password)`; API_KEY: a header named
 *   ApiKeyName carrying ApiKeyValue; OAUTH_CLIENT_CREDENTIALS: `Authorization: Bearer <token>`.
 * - OAuth (User Guide, "Authorization methods for connections"): EventBridge exchanges the
 *   client id and secret for a token at the AuthorizationEndpoint, refreshes it when the
 *   API answers 401 or 407, and proactively during an invocation when it expires within
 *   60 seconds ("not a background process"). A refresh that fails de-authorizes the
 *   connection (User Guide, "De-authorizing connections").
 * - Basic and API-key connections are de-authorized by a 401 or 407 from the endpoint (same page).
 *
 * The token request's wire format is not documented (aws-facts §6.2); tokenRequest.ts holds
 * the emulator's choice. Tokens live in the connection record, as AWS keeps them in the
 * connection's secret, so a restart reuses them.
 */
import { connectionsOf } from '../../apis/events/domain/connections.js';
import { setConnectionState, type StateChangeDeps } from '../../apis/events/domain/connectionStates.js';
import type { ConnectionRecord, NamespaceState } from '../../store/schema.js';
import type { Logger } from '../../util/log.js';
import type { HttpSend } from './httpClient.js';
import { maskedValue, type AuthHeader } from './httpRequest.js';
import { buildTokenRequest, readTokenResponse } from './tokenRequest.js';

/** Refresh a token that expires within this much time, when an invocation needs it. */
export const proactiveRefreshMs = 60_000;

export interface ConnectionAuthDeps extends StateChangeDeps {
  log: Logger;
  send: HttpSend;
  timeoutMs: number;
  /** A connection record changed (token, state, and with it perhaps its API destinations' states): named for the store's journal. */
  changed?: (ns: NamespaceState, conn: ConnectionRecord) => void;
}

export type Credentials = { ok: true; header: AuthHeader } | { ok: false; reason: string };

/** The credentials header of a Basic or API-key connection. */
export function staticAuthHeader(conn: ConnectionRecord): AuthHeader | undefined {
  const params = conn.authParameters;
  if (conn.authorizationType === 'BASIC' && params?.BasicAuthParameters?.Password !== undefined) {
    const { Username = '', Password } = params.BasicAuthParameters;
    return { name: 'Authorization', value: `Basic ${Buffer.from(`${Username}:${Password}`).toString('base64')}`, shown: `Basic ${maskedValue}` };
  }
  if (conn.authorizationType === 'API_KEY' && params?.ApiKeyAuthParameters?.ApiKeyName && params.ApiKeyAuthParameters.ApiKeyValue !== undefined) {
    return { name: params.ApiKeyAuthParameters.ApiKeyName, value: params.ApiKeyAuthParameters.ApiKeyValue, shown: maskedValue };
  }
  return undefined;
}

export function bearerHeader(token: string): AuthHeader {
  return { name: 'Authorization', value: `Bearer ${token}`, shown: `Bearer ${maskedValue}` };
}

export class ConnectionAuth {
  /** One token exchange at a time per connection: concurrent invocations share it. */
  private exchanges = new Map<string, Promise<boolean>>();

  constructor(private readonly deps: ConnectionAuthDeps) {}

  /**
   * (Re-)authorize after Create or Update: AUTHORIZING, then AUTHORIZED (ACTIVE for a private
   * API) or, when the OAuth token exchange fails, DEAUTHORIZED with the reason.
   */
  async authorize(ns: NamespaceState, conn: ConnectionRecord): Promise<void> {
    conn.oauthToken = undefined;
    setConnectionState(this.deps, ns, conn, 'AUTHORIZING');
    this.deps.changed?.(ns, conn);
    if (conn.authorizationType !== 'OAUTH_CLIENT_CREDENTIALS') {
      conn.lastAuthorizedTime = this.deps.clock.now();
      setConnectionState(this.deps, ns, conn, successState(conn));
      return;
    }
    await this.exchange(ns, conn);
  }

  /**
   * The header for an invocation; for OAuth the cached token, refreshed first when it expires within 60 s.
   * Basic and API-key headers are answered at once, not as a promise: no microtask hop per delivery.
   */
  credentials(ns: NamespaceState, conn: ConnectionRecord): Credentials | Promise<Credentials> {
    if (conn.authorizationType !== 'OAUTH_CLIENT_CREDENTIALS') {
      const header = staticAuthHeader(conn);
      return header ? { ok: true, header } : { ok: false, reason: `Connection ${conn.name} has no authorization parameters.` };
    }
    return this.oauthCredentials(ns, conn);
  }

  private async oauthCredentials(ns: NamespaceState, conn: ConnectionRecord): Promise<Credentials> {
    const token = conn.oauthToken;
    const fresh = token && (token.expiresAt === undefined || token.expiresAt - this.deps.clock.now() > proactiveRefreshMs);
    if (!fresh && !(await this.exchange(ns, conn))) return { ok: false, reason: conn.stateReason ?? `Connection ${conn.name} could not be authorized.` };
    return { ok: true, header: bearerHeader(conn.oauthToken!.accessToken) };
  }

  /**
   * The endpoint answered 401 or 407 to these credentials. OAuth: refresh the token, unless
   * a concurrent invocation already replaced the rejected one. Basic / API key: de-authorize.
   */
  async rejected(ns: NamespaceState, conn: ConnectionRecord, status: number, header: AuthHeader): Promise<void> {
    if (connectionsOf(ns)[conn.name] !== conn || (conn.state !== 'AUTHORIZED' && conn.state !== 'ACTIVE')) return;
    if (conn.authorizationType === 'OAUTH_CLIENT_CREDENTIALS') {
      if (conn.oauthToken && bearerHeader(conn.oauthToken.accessToken).value !== header.value) return;
      conn.oauthToken = undefined;
      this.deps.changed?.(ns, conn);
      await this.exchange(ns, conn);
      return;
    }
    setConnectionState(this.deps, ns, conn, 'DEAUTHORIZED', `The endpoint answered HTTP ${status} to the connection's credentials.`);
    this.deps.changed?.(ns, conn);
    this.deps.log.warn('connection deauthorized', { connectionArn: conn.arn, statusCode: status });
  }

  /** Forget in-flight exchanges (after a reset wiped every connection). */
  reset(): void {
    this.exchanges.clear();
  }

  private exchange(ns: NamespaceState, conn: ConnectionRecord): Promise<boolean> {
    let pending = this.exchanges.get(conn.arn);
    if (!pending) {
      pending = this.runExchange(ns, conn).finally(() => this.exchanges.delete(conn.arn));
      this.exchanges.set(conn.arn, pending);
    }
    return pending;
  }

  private async runExchange(ns: NamespaceState, conn: ConnectionRecord): Promise<boolean> {
    const params = conn.authParameters;
    const oauth = params?.OAuthParameters;
    if (!oauth) return false;
    const result = await this.deps.send(buildTokenRequest(oauth), this.deps.timeoutMs);
    // Updated, de-authorized or deleted meanwhile: this answer is for parameters that are gone.
    if (connectionsOf(ns)[conn.name] !== conn || conn.authParameters !== params) return false;
    const now = this.deps.clock.now();
    const read = readTokenResponse(result, now, this.deps.timeoutMs);
    if (!read.ok) {
      conn.oauthToken = undefined;
      setConnectionState(this.deps, ns, conn, 'DEAUTHORIZED', `Failed to obtain an OAuth token: ${read.reason}`);
      this.deps.changed?.(ns, conn);
      this.deps.log.warn('connection deauthorized', { connectionArn: conn.arn, reason: read.reason });
      return false;
    }
    conn.oauthToken = read.token;
    conn.lastAuthorizedTime = now;
    if (conn.state !== 'AUTHORIZED' && conn.state !== 'ACTIVE') setConnectionState(this.deps, ns, conn, successState(conn));
    this.deps.changed?.(ns, conn);
    return true;
  }
}

/** Public APIs end AUTHORIZED, private ones (InvocationConnectivityParameters) ACTIVE ("Connection states", User Guide). */
function successState(conn: ConnectionRecord): 'AUTHORIZED' | 'ACTIVE' {
  return conn.invocationConnectivityParameters ? 'ACTIVE' : 'AUTHORIZED';
}
