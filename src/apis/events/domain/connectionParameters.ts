/**
 * A connection's authorization parameters: the checks AWS makes beyond the model, how
 * UpdateConnection folds new parameters into the stored ones, and their wire form, which
 * never carries a secret (Password, ApiKeyValue, ClientSecret, secret parameter values).
 */
import { ValidationException } from '../../../errors.js';
import type { ConnectionAuthorizationType, ConnectionAuthParameters, ConnectionHttpParameter, ConnectionHttpParameters } from '../../../store/schema.js';

/** The AuthParameters member that belongs to each AuthorizationType. */
export const authBlockOf = {
  BASIC: 'BasicAuthParameters',
  API_KEY: 'ApiKeyAuthParameters',
  OAUTH_CLIENT_CREDENTIALS: 'OAuthParameters',
} as const satisfies Record<ConnectionAuthorizationType, keyof ConnectionAuthParameters>;

const authBlocks = Object.values(authBlockOf);

/**
 * CreateConnection: the block of the type must be given, and no block of another type
 * (model doc of CreateConnectionAuthRequestParameters: "You must include only authorization
 * parameters for the AuthorizationType you specify"). The messages are the emulator's own.
 */
export function checkCreateAuthParameters(type: ConnectionAuthorizationType, params: ConnectionAuthParameters): void {
  const own = authBlockOf[type];
  if (params[own] === undefined) throw new ValidationException(`AuthParameters.${own} is required for AuthorizationType ${type}.`);
  const others = authBlocks.filter((block) => block !== own && params[block] !== undefined);
  if (others.length > 0) {
    throw new ValidationException(`AuthParameters may include only the parameters of AuthorizationType ${type}; remove ${others.join(', ')}.`);
  }
}

/** Whether the parameters of the type are complete enough to authorize with. */
export function missingAuthParameter(type: ConnectionAuthorizationType, params: ConnectionAuthParameters | undefined): string | undefined {
  const required: Record<ConnectionAuthorizationType, Array<[string, unknown]>> = {
    BASIC: [
      ['BasicAuthParameters.Username', params?.BasicAuthParameters?.Username],
      ['BasicAuthParameters.Password', params?.BasicAuthParameters?.Password],
    ],
    API_KEY: [
      ['ApiKeyAuthParameters.ApiKeyName', params?.ApiKeyAuthParameters?.ApiKeyName],
      ['ApiKeyAuthParameters.ApiKeyValue', params?.ApiKeyAuthParameters?.ApiKeyValue],
    ],
    OAUTH_CLIENT_CREDENTIALS: [
      ['OAuthParameters.ClientParameters.ClientID', params?.OAuthParameters?.ClientParameters?.ClientID],
      ['OAuthParameters.ClientParameters.ClientSecret', params?.OAuthParameters?.ClientParameters?.ClientSecret],
      ['OAuthParameters.AuthorizationEndpoint', params?.OAuthParameters?.AuthorizationEndpoint],
      ['OAuthParameters.HttpMethod', params?.OAuthParameters?.HttpMethod],
    ],
  };
  return required[type].find(([, value]) => value === undefined)?.[0];
}

/**
 * UpdateConnection folds the given parameters into the stored ones (every Update* member is
 * optional, so an update may carry only a new password). User Guide, "Updating connections":
 * "Updating the connection with authorization parameters of a different authorization type,
 * without updating the authorization type itself, has no effect" - such blocks are ignored.
 * A changed type drops the old type's block. InvocationHttpParameters and
 * ConnectivityParameters, when given, replace the stored ones (an empty
 * ResourceConfigurationArn switches back to a public endpoint, as the CLI example there shows).
 */
export function foldAuthUpdate(
  stored: ConnectionAuthParameters | undefined,
  type: ConnectionAuthorizationType,
  update: ConnectionAuthParameters | undefined,
): ConnectionAuthParameters {
  const result: ConnectionAuthParameters = structuredClone(stored ?? {});
  for (const block of authBlocks) if (block !== authBlockOf[type]) delete result[block];
  if (!update) return result;
  if (type === 'BASIC' && update.BasicAuthParameters) result.BasicAuthParameters = { ...result.BasicAuthParameters, ...update.BasicAuthParameters };
  if (type === 'API_KEY' && update.ApiKeyAuthParameters) result.ApiKeyAuthParameters = { ...result.ApiKeyAuthParameters, ...update.ApiKeyAuthParameters };
  if (type === 'OAUTH_CLIENT_CREDENTIALS' && update.OAuthParameters) {
    const { ClientParameters, ...rest } = update.OAuthParameters;
    const before = result.OAuthParameters ?? {};
    result.OAuthParameters = { ...before, ...rest, ClientParameters: { ...before.ClientParameters, ...ClientParameters } };
  }
  if (update.InvocationHttpParameters) result.InvocationHttpParameters = update.InvocationHttpParameters;
  if (update.ConnectivityParameters) {
    if (update.ConnectivityParameters.ResourceParameters.ResourceConfigurationArn === '') delete result.ConnectivityParameters;
    else result.ConnectivityParameters = update.ConnectivityParameters;
  }
  return result;
}

/** Whether an update changed anything the authorization depends on (the type's own block). */
export function touchesOwnBlock(type: ConnectionAuthorizationType, update: ConnectionAuthParameters | undefined): boolean {
  return update?.[authBlockOf[type]] !== undefined;
}

/** Describe's AuthParameters: what was configured, minus every secret. */
export function authParametersToWire(params: ConnectionAuthParameters | undefined, resourceAssociationArn: string) {
  if (!params) return undefined;
  const oauth = params.OAuthParameters;
  return {
    BasicAuthParameters: params.BasicAuthParameters && { Username: params.BasicAuthParameters.Username },
    ApiKeyAuthParameters: params.ApiKeyAuthParameters && { ApiKeyName: params.ApiKeyAuthParameters.ApiKeyName },
    OAuthParameters: oauth && {
      ClientParameters: { ClientID: oauth.ClientParameters?.ClientID },
      AuthorizationEndpoint: oauth.AuthorizationEndpoint,
      HttpMethod: oauth.HttpMethod,
      OAuthHttpParameters: httpParametersToWire(oauth.OAuthHttpParameters),
    },
    InvocationHttpParameters: httpParametersToWire(params.InvocationHttpParameters),
    ConnectivityParameters: params.ConnectivityParameters && {
      ResourceParameters: { ...params.ConnectivityParameters.ResourceParameters, ResourceAssociationArn: resourceAssociationArn },
    },
  };
}

/** Header, query-string and body parameters as Describe shows them: a secret parameter keeps its key, never its value. */
export function httpParametersToWire(params: ConnectionHttpParameters | undefined) {
  if (!params) return undefined;
  const list = (items: ConnectionHttpParameter[] | undefined) =>
    items && items.length > 0
      ? items.map((p) => ({ Key: p.Key, Value: p.IsValueSecret ? undefined : p.Value, IsValueSecret: p.IsValueSecret ?? false }))
      : undefined;
  return {
    HeaderParameters: list(params.HeaderParameters),
    QueryStringParameters: list(params.QueryStringParameters),
    BodyParameters: list(params.BodyParameters),
  };
}
