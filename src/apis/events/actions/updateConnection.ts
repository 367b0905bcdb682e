import { ValidationException } from '../../../errors.js';
import { checkEndpointUrl } from '../domain/apiDestinations.js';
import { foldAuthUpdate, missingAuthParameter, touchesOwnBlock } from '../domain/connectionParameters.js';
import { connectionStateOutput, getConnection, newSecretArn } from '../domain/connections.js';
import { setConnectionState } from '../domain/connectionStates.js';
import type { ConnectionAuthorizationType, ConnectionAuthParameters, ConnectionRecord } from '../../../store/schema.js';
import type { Action } from './types.js';

interface Input {
  Name: string;
  Description?: string;
  AuthorizationType?: ConnectionAuthorizationType;
  AuthParameters?: ConnectionAuthParameters;
  InvocationConnectivityParameters?: ConnectionRecord['invocationConnectivityParameters'];
  KmsKeyIdentifier?: string;
}

/**
 * UPDATING, then re-authorization or back to the state it was in. User Guide, "Updating
 * connections": a public connection is re-authorized when it is switched to a private API
 * (or back) or when both the authorization type and its parameters change; parameters of
 * another type than the connection's have no effect. A DEAUTHORIZED connection given new
 * parameters of its type is re-authorized too (the de-authorization page says to update it
 * with working credentials). Otherwise new parameters apply from the next invocation; for
 * OAuth the cached token is dropped so the next invocation exchanges the new credentials.
 */
export const updateConnection: Action = async (ctx, input: Input) => {
  const { ns } = ctx;
  const conn = getConnection(ns, input.Name, 'update');
  const runtime = ctx.apiDestinations;
  const type = input.AuthorizationType ?? conn.authorizationType;
  const typeChanged = type !== conn.authorizationType;
  const ownBlock = touchesOwnBlock(type, input.AuthParameters);
  const params = typeChanged || input.AuthParameters ? foldAuthUpdate(conn.authParameters, type, input.AuthParameters) : undefined;
  if (typeChanged || ownBlock) {
    const missing = missingAuthParameter(type, params);
    if (missing) throw new ValidationException(`AuthParameters.${missing} is required for AuthorizationType ${type}.`);
  }
  const endpoint = input.AuthParameters?.OAuthParameters?.AuthorizationEndpoint;
  if (endpoint !== undefined && type === 'OAUTH_CLIENT_CREDENTIALS') checkEndpointUrl('AuthParameters.OAuthParameters.AuthorizationEndpoint', endpoint, runtime.strict);
  const connectivityChanged = input.InvocationConnectivityParameters !== undefined && connectivityOf(input) !== conn.invocationConnectivityParameters?.ResourceParameters.ResourceConfigurationArn;
  const settled = conn.state === 'AUTHORIZED' || conn.state === 'ACTIVE';
  const reauthorize = typeChanged || connectivityChanged || (ownBlock && !settled);

  const before = { state: conn.state, reason: conn.stateReason };
  setConnectionState(ctx, ns, conn, 'UPDATING');
  applyUpdate(conn, input, type, params, ctx.clock.now());
  if (params && !missingAuthParameter(type, params)) conn.secretArn ??= newSecretArn(ns, conn.name, ctx.ids);
  if (ownBlock && type === 'OAUTH_CLIENT_CREDENTIALS') conn.oauthToken = undefined;
  if (reauthorize) await runtime.auth.authorize(ns, conn);
  else setConnectionState(ctx, ns, conn, before.state, before.reason);
  ctx.store.changed(ctx.ns, 'connections', conn.name);
  ctx.store.changed(ctx.ns, 'apiDestinations');
  await ctx.store.persistChanges();
  return connectionStateOutput(conn, reauthorize && type === 'OAUTH_CLIENT_CREDENTIALS' ? 'AUTHORIZING' : conn.state);
};

function connectivityOf(input: Input): string | undefined {
  const arn = input.InvocationConnectivityParameters?.ResourceParameters.ResourceConfigurationArn;
  // "To update a connection ... from a private API to a public API, you must specify an empty string" (User Guide).
  return arn === '' ? undefined : arn;
}

function applyUpdate(conn: ConnectionRecord, input: Input, type: ConnectionAuthorizationType, params: ConnectionAuthParameters | undefined, now: number): void {
  if (input.Description !== undefined) conn.description = input.Description;
  if (input.KmsKeyIdentifier !== undefined) conn.kmsKeyIdentifier = input.KmsKeyIdentifier || undefined;
  conn.authorizationType = type;
  // A new object: an OAuth exchange still in flight for the old parameters is discarded.
  if (params) conn.authParameters = params;
  if (input.InvocationConnectivityParameters !== undefined) {
    conn.invocationConnectivityParameters = connectivityOf(input) === undefined ? undefined : input.InvocationConnectivityParameters;
  }
  conn.lastModifiedTime = now;
}
