/**
 * The SigV4 verifier behind --require-auth, on requests built by hand. The first cases use
 * the AWS SigV4 test suite's vanilla requests (credentials AKIDEXAMPLE, service "service",
 * 2015-08-30T12:36:00Z), so the verifier is checked against signatures computed outside
 * this project; the rest sign with @smithy/signature-v4 as the SDK does, then break one
 * thing at a time.
 */
import { SignatureV4 } from '@smithy/signature-v4';
import { HttpRequest } from '@smithy/protocol-http';
import { AwsError } from '../../src/errors.js';
import { Sha256 } from '../../src/util/sha256.js';
import { verifySigV4, type SignedRequest } from '../../src/wire/sigv4Verify.js';

const suiteKey = 'AKIDEXAMPLE';
const suiteSecret = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY';
const suiteNow = Date.UTC(2015, 7, 30, 12, 36, 0);
const suiteCredentials = new Map([[suiteKey, suiteSecret]]);

function suiteRequest(method: string, signature: string): SignedRequest {
  return {
    method,
    path: '/',
    query: '',
    headers: {
      host: 'example.amazonaws.com',
      'x-amz-date': '20150830T123600Z',
      authorization: `AWS4-HMAC-SHA256 Credential=${suiteKey}/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=${signature}`,
    },
    body: Buffer.alloc(0),
  };
}

const suite = { credentials: suiteCredentials, now: () => suiteNow, service: 'service' };

test('get-vanilla and post-vanilla from the AWS SigV4 test suite verify', async () => {
  await expect(verifySigV4(suiteRequest('GET', '5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31'), suite)).resolves.toEqual({
    accessKeyId: suiteKey,
    region: 'us-east-1',
  });
  await expect(verifySigV4(suiteRequest('POST', '5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b'), suite)).resolves.toEqual({
    accessKeyId: suiteKey,
    region: 'us-east-1',
  });
});

test('the suite signature with one hex digit changed is refused', async () => {
  await expectAuthError(verifySigV4(suiteRequest('GET', '5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf30'), suite), 'InvalidSignatureException', badSignature);
});

// ---------- requests signed as the SDK signs them ----------

const now = Date.UTC(2026, 2, 14, 9, 30, 0);
const credentials = new Map([
  ['AKIAEXAMPLEKEY01', 'right-secret'],
  ['111122223333', 'account-secret'],
]);
const options = { credentials, now: () => now };
const badSignature =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';

interface SignOptions {
  accessKeyId?: string;
  secret?: string;
  date?: number;
  service?: string;
  region?: string;
  body?: string;
  headers?: Record<string, string>;
}

async function signed(o: SignOptions = {}): Promise<SignedRequest> {
  const body = o.body ?? '{"Name":"orders"}';
  const signer = new SignatureV4({
    credentials: { accessKeyId: o.accessKeyId ?? 'AKIAEXAMPLEKEY01', secretAccessKey: o.secret ?? 'right-secret' },
    region: o.region ?? 'eu-west-1',
    service: o.service ?? 'events',
    sha256: Sha256,
  });
  const request = new HttpRequest({
    method: 'POST',
    protocol: 'http:',
    hostname: '127.0.0.1',
    port: 4010,
    path: '/',
    headers: {
      host: '127.0.0.1:4010',
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': 'AWSEvents.CreateEventBus',
      ...o.headers,
    },
    body,
  });
  const out = await signer.sign(request, { signingDate: new Date(o.date ?? now) });
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(out.headers)) headers[k.toLowerCase()] = v;
  // What the server sees: the client adds headers it does not sign.
  headers['user-agent'] = 'aws-sdk-js/3 test';
  headers['content-length'] = String(Buffer.byteLength(body));
  return { method: 'POST', path: '/', query: '', headers, body: Buffer.from(body) };
}

async function expectAuthError(call: Promise<unknown>, type: string, message: string | RegExp, status = 400) {
  const err = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AwsError);
  const aws = err as AwsError;
  expect(aws.type).toBe(type);
  expect(aws.status).toBe(status);
  if (typeof message === 'string') expect(aws.message).toBe(message);
  else expect(aws.message).toMatch(message);
}

test('a request signed with known credentials verifies; the caller is its key and scope region', async () => {
  await expect(verifySigV4(await signed(), options)).resolves.toEqual({ accessKeyId: 'AKIAEXAMPLEKEY01', region: 'eu-west-1' });
  await expect(verifySigV4(await signed({ accessKeyId: '111122223333', secret: 'account-secret', region: 'ap-south-1' }), options)).resolves.toEqual({
    accessKeyId: '111122223333',
    region: 'ap-south-1',
  });
});

test('a wrong secret is InvalidSignatureException', async () => {
  await expectAuthError(verifySigV4(await signed({ secret: 'wrong-secret' }), options), 'InvalidSignatureException', badSignature);
});

test('an unknown access key id is UnrecognizedClientException', async () => {
  await expectAuthError(
    verifySigV4(await signed({ accessKeyId: 'AKIAUNKNOWN00000' }), options),
    'UnrecognizedClientException',
    'The security token included in the request is invalid.',
  );
});

test('no Authorization header is MissingAuthenticationTokenException', async () => {
  const req = await signed();
  delete req.headers.authorization;
  await expectAuthError(verifySigV4(req, options), 'MissingAuthenticationTokenException', 'Missing Authentication Token');
});

test('a changed body, a changed signed header or a lying x-amz-content-sha256 breaks the signature', async () => {
  const body = await signed();
  body.body = Buffer.from('{"Name":"orderz"}');
  await expectAuthError(verifySigV4(body, options), 'InvalidSignatureException', badSignature);

  const target = await signed();
  target.headers['x-amz-target'] = 'AWSEvents.DeleteEventBus';
  await expectAuthError(verifySigV4(target, options), 'InvalidSignatureException', badSignature);

  const hash = await signed();
  hash.body = Buffer.from('{"Name":"other"}');
  hash.headers['x-amz-content-sha256'] = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
  await expectAuthError(verifySigV4(hash, options), 'InvalidSignatureException', badSignature);
});

test('headers outside SignedHeaders may change', async () => {
  const req = await signed();
  req.headers['user-agent'] = 'something else';
  req.headers['x-amzn-trace-id'] = 'Root=1-abc';
  await expect(verifySigV4(req, options)).resolves.toMatchObject({ accessKeyId: 'AKIAEXAMPLEKEY01' });
});

test('a signature over a query string must match that query string', async () => {
  const req = await signed();
  req.query = 'extra=1';
  await expectAuthError(verifySigV4(req, options), 'InvalidSignatureException', badSignature);
});

test('X-Amz-Date more than 5 minutes off either way is refused with AWS texts', async () => {
  await expect(verifySigV4(await signed({ date: now - 5 * 60_000 }), options)).resolves.toBeDefined();
  await expect(verifySigV4(await signed({ date: now + 5 * 60_000 }), options)).resolves.toBeDefined();
  await expectAuthError(
    verifySigV4(await signed({ date: now - 10 * 60_000 }), options),
    'InvalidSignatureException',
    'Signature expired: 20260314T092000Z is now earlier than 20260314T092500Z (20260314T093000Z - 5 min.)',
  );
  await expectAuthError(
    verifySigV4(await signed({ date: now + 10 * 60_000 }), options),
    'InvalidSignatureException',
    'Signature not yet current: 20260314T094000Z is still later than 20260314T093500Z (20260314T093000Z + 5 min.)',
  );
});

test('a scope for another service is refused', async () => {
  await expectAuthError(verifySigV4(await signed({ service: 'sqs' }), options), 'InvalidSignatureException', "Credential should be scoped to correct service: 'events'. ");
});

test('a malformed Authorization header is IncompleteSignatureException naming what is missing', async () => {
  const missing = [
    [
      'AWS4-HMAC-SHA256 Credential=AKIAEXAMPLEKEY01/20260314/eu-west-1/events/aws4_request',
      "Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. " +
        'Authorization=AWS4-HMAC-SHA256 Credential=AKIAEXAMPLEKEY01/20260314/eu-west-1/events/aws4_request',
    ],
    [
      'Bearer abc',
      "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. " +
        "Authorization header requires 'SignedHeaders' parameter. Authorization=Bearer abc",
    ],
  ];
  for (const [authorization, message] of missing) {
    const req = await signed();
    req.headers.authorization = authorization;
    await expectAuthError(verifySigV4(req, options), 'IncompleteSignatureException', message);
  }

  const spaced = await signed();
  spaced.headers.authorization = spaced.headers.authorization!.toString().replace('Credential=AKIAEXAMPLEKEY01', 'Credential=AKIAEXAMPLEKEY01 ');
  await expectAuthError(verifySigV4(spaced, options), 'IncompleteSignatureException', /^'\/20260314\/eu-west-1\/events\/aws4_request' not a valid key=value pair \(missing equal-sign\) in Authorization header: 'AWS4-HMAC-SHA256 /);
});

test('X-Amz-Date missing or not in ISO-8601 basic format is IncompleteSignatureException', async () => {
  const missing = await signed();
  delete missing.headers['x-amz-date'];
  await expectAuthError(
    verifySigV4(missing, options),
    'IncompleteSignatureException',
    /^Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header\. Authorization=AWS4-HMAC-SHA256 /,
  );
  const bad = await signed();
  bad.headers['x-amz-date'] = '2026-03-14T09:30:00Z';
  await expectAuthError(
    verifySigV4(bad, options),
    'IncompleteSignatureException',
    "Date must be in ISO-8601 'basic format'. Got '2026-03-14T09:30:00Z'. See http://en.wikipedia.org/wiki/ISO_8601",
  );
});

test('query-string (presigned) signatures and SigV4a are refused with the reason', async () => {
  const presigned = await signed();
  delete presigned.headers.authorization;
  presigned.query = 'X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAEXAMPLEKEY01%2F20260314%2Feu-west-1%2Fevents%2Faws4_request&X-Amz-Signature=abc';
  await expectAuthError(verifySigV4(presigned, options), 'IncompleteSignatureException', /query-string \(presigned\) signatures are not supported/);

  const v4a = await signed();
  v4a.headers.authorization = 'AWS4-ECDSA-P256-SHA256 Credential=AKIAEXAMPLEKEY01/20260314/events/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc';
  await expectAuthError(verifySigV4(v4a, options), 'IncompleteSignatureException', /SigV4a \(AWS4-ECDSA-P256-SHA256\) is not supported/);
});

test('no error message carries a secret', async () => {
  const messages: string[] = [];
  for (const req of [await signed({ secret: 'wrong-secret' }), await signed({ accessKeyId: 'AKIAUNKNOWN00000' }), await signed({ date: now - 3_600_000 })]) {
    await verifySigV4(req, options).catch((e: Error) => messages.push(e.message));
  }
  expect(messages).toHaveLength(3);
  for (const m of messages) for (const secret of ['right-secret', 'account-secret', 'wrong-secret']) expect(m).not.toContain(secret);
});
