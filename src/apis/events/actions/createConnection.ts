import { checkEndpointUrl } from '../domain/apiDestinations.js';
import { checkCreateAuthParameters } from '../domain/connectionParameters.js';
import { checkConnectionCanBeCreated, connectionArn, connectionsOf, newSecretArn } from '../domain/connections.js';
import { setConnectionState } from '../domain/connectionStates.js';
import { toEpochSeconds } from '../domain/time.js';
import type { ConnectionAuthorizationType, ConnectionAuthParameters, ConnectionRecord } from '../../../store/schema.js';
import type { Action } from './types.js';

interface Input {
  Name: string;
  Description?: string;
  AuthorizationType: ConnectionAuthorizationType;
  AuthParameters: ConnectionAuthParameters;
  InvocationConnectivityParameters?: ConnectionRecord['invocationConnectivityParameters'];
  KmsKeyIdentifier?: string;
}

/**
 * CREATING, then authorization (see ConnectionAuth.authorize). The emulator finishes the
 * OAuth token exchange before it answers, so the next Describe already shows AUTHORIZED or
 * DEAUTHORIZED; the answer itself says AUTHORIZING for OAuth and AUTHORIZED for Basic and
 * API key, as recorded on AWS.
 */
export const createConnection: Action = async (ctx, input: Input) => {
  const { ns } = ctx;
  checkConnectionCanBeCreated(ns, input.Name);
  checkCreateAuthParameters(input.AuthorizationType, input.AuthParameters);
  const runtime = ctx.apiDestinations;
  const endpoint = input.AuthParameters.OAuthParameters?.AuthorizationEndpoint;
  if (endpoint !== undefined) checkEndpointUrl('AuthParameters.OAuthParameters.AuthorizationEndpoint', endpoint, runtime.strict);
  const now = ctx.clock.now();
  const conn: ConnectionRecord = {
    name: input.Name,
    arn: connectionArn(ctx.region, ctx.account, input.Name, ctx.ids.uuid()),
    description: input.Description,
    authorizationType: input.AuthorizationType,
    authParameters: structuredClone(input.AuthParameters),
    secretArn: newSecretArn(ns, input.Name, ctx.ids),
    invocationConnectivityParameters: input.InvocationConnectivityParameters,
    kmsKeyIdentifier: input.KmsKeyIdentifier,
    state: 'CREATING',
    creationTime: now,
    lastModifiedTime: now,
    // Recorded on AWS: Describe shows LastAuthorizedTime even while an OAuth connection is AUTHORIZING.
    lastAuthorizedTime: now,
  };
  connectionsOf(ns)[conn.name] = conn;
  setConnectionState(ctx, ns, conn, 'CREATING');
  await runtime.auth.authorize(ns, conn);
  ctx.store.changed(ctx.ns, 'connections', conn.name);
  ctx.store.changed(ctx.ns, 'apiDestinations');
  await ctx.store.persistChanges();
  return {
    ConnectionArn: conn.arn,
    ConnectionState: conn.authorizationType === 'OAUTH_CLIENT_CREDENTIALS' ? 'AUTHORIZING' : conn.state,
    CreationTime: toEpochSeconds(conn.creationTime),
    LastModifiedTime: toEpochSeconds(conn.lastModifiedTime),
  };
};
