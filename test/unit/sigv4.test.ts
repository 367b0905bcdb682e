import { callerFromAuthorization } from '../../src/wire/sigv4.js';

const auth = (akid: string, region: string) =>
  `AWS4-HMAC-SHA256 Credential=${akid}/20261123/${region}/events/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc`;

test.each([
  [undefined, '000000000000', 'us-east-1'],
  ['', '000000000000', 'us-east-1'],
  ['Bearer token', '000000000000', 'us-east-1'],
  [auth('123456789012', 'eu-west-1'), '123456789012', 'eu-west-1'],
  [auth('AKIAIOSFODNN7EXAMPLE', 'ap-southeast-2'), '000000000000', 'ap-southeast-2'],
  [auth('12345678901', 'us-west-2'), '000000000000', 'us-west-2'],
  [auth('1234567890123', 'us-west-2'), '000000000000', 'us-west-2'],
])('%s -> account %s, region %s', (header, account, region) => {
  expect(callerFromAuthorization(header)).toMatchObject({ account, region });
});

test('a SigV4a scope (no region) takes the region from X-Amz-Region-Set', () => {
  const v4a = 'AWS4-ECDSA-P256-SHA256 Credential=123456789012/20261123/events/aws4_request, SignedHeaders=host, Signature=abc';
  expect(callerFromAuthorization(v4a, 'eu-west-1')).toMatchObject({ account: '123456789012', region: 'eu-west-1' });
  expect(callerFromAuthorization(v4a, '*')).toMatchObject({ account: '123456789012', region: 'us-east-1' });
  expect(callerFromAuthorization(v4a)).toMatchObject({ account: '123456789012', region: 'us-east-1' });
});

test('a key that is not 12 digits plays the given default account (--default-account)', () => {
  expect(callerFromAuthorization(auth('FOOBARKEY', 'us-east-1'), undefined, '123456789012')).toMatchObject({ account: '123456789012', accessKeyId: 'FOOBARKEY' });
  expect(callerFromAuthorization(auth('444455556666', 'us-east-1'), undefined, '123456789012')).toMatchObject({ account: '444455556666' });
  expect(callerFromAuthorization(undefined, undefined, '123456789012')).toMatchObject({ account: '123456789012', region: 'us-east-1' });
});

test.each([
  ['a second Credential', `AWS4-HMAC-SHA256 Credential=111122223333/20261123/us-east-1/events/aws4_request, ${auth('AKIDME', 'us-east-1').slice(17)}`, /more than one 'Credential'/],
  ['a junk X=Credential= parameter', `AWS4-HMAC-SHA256 X=Credential=111122223333/20261123/us-east-1/events/aws4_request, ${auth('AKIDME', 'us-east-1').slice(17)}`, /'X' is not a parameter/],
  ['a second Signature', `${auth('AKIDME', 'us-east-1')}, Signature=def`, /more than one 'Signature'/],
])('%s is IncompleteSignatureException even without --require-auth: no header names two callers', (_what, header, message) => {
  let caught: any;
  try {
    callerFromAuthorization(header);
  } catch (err) {
    caught = err;
  }
  expect(caught?.type).toBe('IncompleteSignatureException');
  expect(caught?.message).toMatch(message);
});

describe('callers are remembered by header less the signature value', () => {
  const signed = (akid: string, region: string, signature: string) =>
    `AWS4-HMAC-SHA256 Credential=${akid}/20261123/${region}/events/aws4_request, SignedHeaders=host;x-amz-date, Signature=${signature}`;

  test('a new signature on the same scope gives the same caller; another scope or default account its own', () => {
    expect(callerFromAuthorization(signed('123456789012', 'eu-west-1', 'a1'))).toEqual({ accessKeyId: '123456789012', account: '123456789012', region: 'eu-west-1' });
    expect(callerFromAuthorization(signed('123456789012', 'eu-west-1', 'b2'))).toEqual({ accessKeyId: '123456789012', account: '123456789012', region: 'eu-west-1' });
    expect(callerFromAuthorization(signed('123456789012', 'us-west-2', 'b2'))).toMatchObject({ region: 'us-west-2' });
    expect(callerFromAuthorization(signed('FOOBARKEY', 'us-east-1', 'c3'), undefined, '111122223333')).toMatchObject({ account: '111122223333' });
    expect(callerFromAuthorization(signed('FOOBARKEY', 'us-east-1', 'c4'), undefined, '444455556666')).toMatchObject({ account: '444455556666' });
  });

  test('a header that failed is parsed again, and a Signature= inside another value is not taken for the parameter', () => {
    const good = signed('AKIDME', 'us-east-1', 'abc');
    callerFromAuthorization(good);
    expect(() => callerFromAuthorization(`${good}, Signature=def`)).toThrow(/more than one 'Signature'/);
    expect(() => callerFromAuthorization(`${good}, Signature=def`)).toThrow(/more than one 'Signature'/);
    const inside = (region: string) => `AWS4-HMAC-SHA256 SignedHeaders=hostSignature=x, Credential=AKIDME/20261123/${region}/events/aws4_request, Signature=s`;
    expect(callerFromAuthorization(inside('eu-west-1'))).toMatchObject({ region: 'eu-west-1' });
    expect(callerFromAuthorization(inside('ap-south-1'))).toMatchObject({ region: 'ap-south-1' });
    const glued = (region: string) => `AWS4-HMAC-SHA256 Credential=AKIDMESignature=/20261123/${region}/events/aws4_request, SignedHeaders=host, Signature=s`;
    expect(callerFromAuthorization(glued('eu-west-1'))).toMatchObject({ region: 'eu-west-1' });
    expect(callerFromAuthorization(glued('ap-south-1'))).toMatchObject({ region: 'ap-south-1' });
  });
});
