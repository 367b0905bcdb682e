/** Folding UpdateConnection parameters into stored ones, and their secret-free wire form. */
import { authParametersToWire, checkCreateAuthParameters, foldAuthUpdate, missingAuthParameter } from '../../src/apis/events/domain/connectionParameters.js';
import type { ConnectionAuthParameters } from '../../src/store/schema.js';

const basic: ConnectionAuthParameters = {
  BasicAuthParameters: { Username: 'u', Password: 'p' },
  InvocationHttpParameters: { HeaderParameters: [{ Key: 'h', Value: 'v' }] },
};

describe('foldAuthUpdate', () => {
  test('a partial update of the same type merges field by field', () => {
    expect(foldAuthUpdate(basic, 'BASIC', { BasicAuthParameters: { Password: 'new' } })).toEqual({ ...basic, BasicAuthParameters: { Username: 'u', Password: 'new' } });
  });
  test('blocks of another type than the connection\'s are ignored ("no effect")', () => {
    expect(foldAuthUpdate(basic, 'BASIC', { ApiKeyAuthParameters: { ApiKeyName: 'k', ApiKeyValue: 'v' } })).toEqual(basic);
  });
  test('a new type drops the old block and takes its own', () => {
    expect(foldAuthUpdate(basic, 'API_KEY', { ApiKeyAuthParameters: { ApiKeyName: 'k', ApiKeyValue: 'v' } })).toEqual({
      ApiKeyAuthParameters: { ApiKeyName: 'k', ApiKeyValue: 'v' },
      InvocationHttpParameters: basic.InvocationHttpParameters,
    });
  });
  test('OAuth client parameters merge; InvocationHttpParameters are replaced; an empty resource configuration removes connectivity', () => {
    const stored: ConnectionAuthParameters = {
      OAuthParameters: { ClientParameters: { ClientID: 'id', ClientSecret: 's' }, AuthorizationEndpoint: 'https://a', HttpMethod: 'POST' },
      ConnectivityParameters: { ResourceParameters: { ResourceConfigurationArn: 'arn:rc' } },
    };
    const folded = foldAuthUpdate(stored, 'OAUTH_CLIENT_CREDENTIALS', {
      OAuthParameters: { ClientParameters: { ClientSecret: 's2' }, HttpMethod: 'PUT' },
      InvocationHttpParameters: { QueryStringParameters: [{ Key: 'q', Value: '1' }] },
      ConnectivityParameters: { ResourceParameters: { ResourceConfigurationArn: '' } },
    });
    expect(folded).toEqual({
      OAuthParameters: { ClientParameters: { ClientID: 'id', ClientSecret: 's2' }, AuthorizationEndpoint: 'https://a', HttpMethod: 'PUT' },
      InvocationHttpParameters: { QueryStringParameters: [{ Key: 'q', Value: '1' }] },
    });
  });
  test('the stored parameters are not mutated', () => {
    const stored = structuredClone(basic);
    foldAuthUpdate(stored, 'BASIC', { BasicAuthParameters: { Password: 'x' } });
    expect(stored).toEqual(basic);
  });
});

test('missingAuthParameter names the first missing member of the type', () => {
  expect(missingAuthParameter('BASIC', basic)).toBeUndefined();
  expect(missingAuthParameter('BASIC', { BasicAuthParameters: { Password: 'p' } })).toBe('BasicAuthParameters.Username');
  expect(missingAuthParameter('OAUTH_CLIENT_CREDENTIALS', undefined)).toBe('OAuthParameters.ClientParameters.ClientID');
  expect(missingAuthParameter('API_KEY', { ApiKeyAuthParameters: { ApiKeyName: 'k' } })).toBe('ApiKeyAuthParameters.ApiKeyValue');
});

test('checkCreateAuthParameters: the type\'s block, and only it', () => {
  expect(() => checkCreateAuthParameters('BASIC', basic)).not.toThrow();
  expect(() => checkCreateAuthParameters('API_KEY', basic)).toThrow('AuthParameters.ApiKeyAuthParameters is required for AuthorizationType API_KEY.');
});

test('the wire form keeps keys and non-secret values only, and drops empty lists', () => {
  expect(
    authParametersToWire(
      {
        ApiKeyAuthParameters: { ApiKeyName: 'k', ApiKeyValue: 'secret' },
        InvocationHttpParameters: { HeaderParameters: [{ Key: 'a', Value: 'x', IsValueSecret: true }, { Key: 'b', Value: 'y' }], BodyParameters: [] },
      },
      'arn:assoc',
    ),
  ).toEqual({
    BasicAuthParameters: undefined,
    ApiKeyAuthParameters: { ApiKeyName: 'k' },
    OAuthParameters: undefined,
    InvocationHttpParameters: { HeaderParameters: [{ Key: 'a', Value: undefined, IsValueSecret: true }, { Key: 'b', Value: 'y', IsValueSecret: false }], QueryStringParameters: undefined, BodyParameters: undefined },
    ConnectivityParameters: undefined,
  });
});
