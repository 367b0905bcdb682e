/**
 * Fuzzing (issue 10, part 3; issue 18): 700 random and mutated requests over every
 * operation, over loopback HTTP to an in-process emulator. Inputs are generated from the
 * botocore shape table (so many get past validation and reach the actions), then mutated:
 * wrong types, huge strings, deep nesting, unicode, oversized entries and bodies, bad JSON,
 * unknown targets, wrong content types, odd SigV4 scopes. Callers vary over four accounts and
 * four Regions (one that does not exist), and names and ARNs include Object.prototype's
 * property names (`__proto__`, `constructor` ...). Every answer must be a valid result or an
 * AWS-shaped error (`__type`, 4xx/5xx, `x-amzn-ErrorType`) that is never a 500
 * InternalException; no request may hang (10 s bound each); after every request
 * Object.prototype is as it was, and a rejected request must leave the whole store (every
 * account's and Region's namespace, the delivery side, health checks) exactly as it was.
 * Problems are collected, not thrown, so one run lists every distinct bug. The run is bounded
 * by count, not time (about 5 ms of CPU a request); FUZZ_RUNS / FUZZ_SEED override the count and the seed.
 */
import fc from 'fast-check';
import { OPERATION_NAMES, OPERATIONS, SHAPES } from '../../src/apis/events/model/shapes.generated.js';
import type { ShapeSpec } from '../../src/apis/events/model/shapeTypes.js';
import { VirtualClock } from '../../src/util/clock.js';
import { startEmulator, type Running } from '../helpers/emulator.js';

const runs = Number(process.env.FUZZ_RUNS ?? 700);
const seed = Number(process.env.FUZZ_SEED ?? 20261123);
const maxBody = 4 * 1024 * 1024;

interface FuzzRequest {
  kind: string;
  target?: string;
  contentType?: string;
  authorization?: string;
  body: string | (() => string);
}

// ---------- values, driven by the shape table ----------

/** Object.prototype's property names: valid EventBridge names that a plain-object table would mishandle. */
const prototypeNames = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'isPrototypeOf', '__defineGetter__', '__lookupSetter__', 'propertyIsEnumerable'];
const accounts = ['111111111111', '222222222222', '000000000000', '333333333333'];
const regions = ['us-east-1', 'eu-west-1', 'ap-south-1', 'xx-fake-1'];
const nameArns = fc
  .record({ account: fc.constantFrom(...accounts), region: fc.constantFrom(...regions), name: fc.constantFrom(...prototypeNames, 'fz-bus', 'default'), kind: fc.constantFrom('event-bus', 'rule', 'connection', 'api-destination', 'archive', 'replay', 'endpoint') })
  .map(({ account, region, name, kind }) => `arn:aws:events:${region}:${account}:${kind}/${name}${kind === 'connection' || kind === 'api-destination' ? '/x' : ''}`);

const hugeString = fc.integer({ min: 1_000, max: 300_000 }).map((n) => 'x'.repeat(n));
const deepJson = fc.integer({ min: 50, max: 20_000 }).map((n) => '{"a":'.repeat(n) + '1' + '}'.repeat(n));
const deepArray = fc.integer({ min: 50, max: 800 }).map((n) => {
  let v: unknown = 1;
  for (let i = 0; i < n; i++) v = [v];
  return v;
});
const oddStrings = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom(...prototypeNames),
  nameArns,
  fc.constantFrom('', ' ', '\u0000', '\ud800', '💥', 'ﬁ', '../../etc/passwd', '$.detail', '<aws.events.event>', 'default', 'fz-bus', 'fz-rule', 'fz-conn', 'fz-dest', 'fz-archive'),
  fc.constantFrom(
    'arn:aws:events:us-east-1:000000000000:event-bus/fz-bus',
    'arn:aws:events:us-east-1:000000000000:event-bus/default',
    'arn:aws:events:us-east-1:000000000000:rule/fz-bus/fz-rule',
    'arn:aws:events:us-east-1:000000000000:connection/fz-conn/x',
    'arn:aws:events:us-east-1:000000000000:api-destination/fz-dest/x',
    'arn:aws:sqs:us-east-1:000000000000:q',
    'arn:aws:events:us-east-1:000000000000:unknown/thing',
    'arn:aws:lambda:us-east-1:000000000000:function:f',
    'rate(5 minutes)', 'cron(0 12 * * ? *)', 'rate(0 minutes)', 'cron(bad)',
    'http://127.0.0.1:1/x', 'https://127.0.0.1:1/*',
  ),
  fc.json({ maxDepth: 4 }),
  fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify({ source: [v], detail: { x: [v] } })),
  hugeString,
  deepJson,
);
const wrongType = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.double(),
  fc.integer(),
  fc.constantFrom(1e308, -1, 0, 2 ** 53 + 1, -0),
  fc.string({ maxLength: 10 }),
  fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }),
  deepArray,
);

const memo = new Map<string, fc.Arbitrary<unknown>>();
function valueFor(shapeName: string, depth: number): fc.Arbitrary<unknown> {
  const key = `${shapeName}@${depth}`;
  const known = memo.get(key);
  if (known) return known;
  const shape = SHAPES[shapeName] as ShapeSpec;
  const arb = fc.oneof({ weight: 8, arbitrary: typed(shape, depth) }, { weight: 1, arbitrary: wrongType });
  memo.set(key, arb);
  return arb;
}

function typed(shape: ShapeSpec, depth: number): fc.Arbitrary<unknown> {
  switch (shape.type) {
    case 'string': {
      if (shape.enum) return fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...shape.enum) }, { weight: 1, arbitrary: oddStrings });
      const plausible = matching(shape.pattern, shape.max);
      const names = fc.constantFrom(...prototypeNames);
      return plausible
        ? fc.oneof({ weight: 4, arbitrary: plausible }, { weight: 1, arbitrary: names }, { weight: 2, arbitrary: oddStrings })
        : fc.oneof({ weight: 1, arbitrary: names }, { weight: 4, arbitrary: oddStrings });
    }
    case 'integer':
    case 'long':
    case 'float':
    case 'double':
      return fc.oneof(fc.integer({ min: -5, max: 1000 }), fc.integer(), fc.double(), fc.constantFrom(shape.min ?? 0, shape.max ?? 0, 1e308));
    case 'boolean':
      return fc.boolean();
    case 'timestamp':
      return fc.oneof(fc.integer({ min: -1e10, max: 1e11 }), fc.double(), fc.constantFrom('2024-01-01T00:00:00Z', 'yesterday', 1e300));
    case 'blob':
      return fc.string();
    case 'list':
      return depth > 4 ? fc.constant([]) : fc.array(valueFor(shape.member, depth + 1), { maxLength: shape.max && shape.max < 12 ? shape.max + 1 : 12 });
    case 'map':
      return depth > 4 ? fc.constant({}) : fc.dictionary(oddStrings.filter((s) => s.length < 300), valueFor(shape.value, depth + 1), { maxKeys: 4 });
    case 'structure': {
      if (depth > 5) return fc.constant({});
      const members = Object.fromEntries(Object.entries(shape.members).map(([name, member]) => [name, valueFor(member, depth + 1)]));
      return fc.record(members, { requiredKeys: [] });
    }
  }
}

/** Strings that satisfy the model's pattern (Java regexes mostly read as JS ones), so requests get past validation. */
function matching(pattern: string | undefined, max = 64): fc.Arbitrary<string> | undefined {
  if (!pattern) return undefined;
  try {
    return fc.stringMatching(new RegExp(`^(?:${pattern})$`)).filter((v) => v.length >= 1 && v.length <= max);
  } catch {
    return undefined;
  }
}

// ---------- requests ----------

const operation = fc.constantFrom(...OPERATION_NAMES);
const inputFor = (op: (typeof OPERATION_NAMES)[number]) => {
  const spec = OPERATIONS[op];
  return spec.input ? valueFor(spec.input, 0) : fc.constant({});
};
const authorization = fc.oneof(
  { weight: 6, arbitrary: fc.constant(undefined) },
  { weight: 6, arbitrary: fc.constantFrom(...accounts, 'test').chain((k) => fc.constantFrom(...regions).map((r) => sigv4(k, r))) },
  { weight: 1, arbitrary: fc.oneof(fc.string({ maxLength: 60 }), fc.constant('AWS4-HMAC-SHA256 Credential='), fc.constant('AWS4-HMAC-SHA256 Credential=//////')) },
);
function sigv4(accessKey: string, region: string): string {
  return `AWS4-HMAC-SHA256 Credential=${accessKey}/20260101/${region}/events/aws4_request, SignedHeaders=host, Signature=00`;
}

const typedRequest: fc.Arbitrary<FuzzRequest> = operation.chain((op) =>
  fc.record({ input: inputFor(op), authorization }).map(({ input, authorization }) => ({ kind: 'typed', target: op, authorization, body: JSON.stringify(input) })),
);
const rawBody: fc.Arbitrary<FuzzRequest> = fc
  .record({
    target: fc.oneof(operation, fc.constant(undefined)),
    body: fc.oneof(
      fc.string(),
      fc.string({ unit: 'binary' }),
      fc.constantFrom('', '{', '[]', 'null', '1', '"s"', '{"Name":', '{"Name":"\\ud800"}', '{"__proto__":{"x":1}}', '{"constructor":{"prototype":{}}}', '{"Name":"a","Name":"b"}'),
      fc.integer({ min: 1, max: 200_000 }).map((n) => '['.repeat(n) + ']'.repeat(n)),
      fc.integer({ min: 1, max: 200_000 }).map((n) => '{"Entries":' + '['.repeat(n)),
      fc.json(),
    ),
  })
  .map(({ target, body }) => ({ kind: 'raw-body', target, body }));
const badEnvelope: fc.Arbitrary<FuzzRequest> = fc
  .record({
    request: typedRequest,
    target: fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom('AWSEvents.', 'AWSEvents.Nope', 'awsevents.PutEvents', 'AWSEvents.putEvents', 'Kinesis_20131202.PutRecord')),
    contentType: fc.oneof(fc.constant(''), fc.constantFrom('text/plain', 'application/xml', 'application/x-www-form-urlencoded', 'application/x-amz-json-1.0', 'application/json; charset=utf-8', 'APPLICATION/X-AMZ-JSON-1.1')),
    which: fc.constantFrom('target', 'contentType', 'both'),
  })
  .map(({ request, target, contentType, which }) => ({
    kind: `bad-envelope-${which}`,
    body: request.body,
    target: which === 'contentType' ? request.target : `@raw:${target}`,
    contentType: which === 'target' ? undefined : contentType,
  }));
// PutEvents entries and bodies past the limits: a 300 KB Detail, many entries, a body past 4 MiB.
const oversized: fc.Arbitrary<FuzzRequest> = fc
  .oneof(
    fc.integer({ min: 256 * 1024, max: 1100 * 1024 }).map((n) => ({ Entries: [{ Source: 'fz', DetailType: 't', Detail: JSON.stringify({ p: 'x'.repeat(n) }) }] })),
    fc.integer({ min: 11, max: 200 }).map((n) => ({ Entries: Array.from({ length: n }, () => ({ Source: 'fz', DetailType: 't', Detail: '{}' })) })),
    fc.integer({ min: 1, max: 10 }).map((n) => ({ Entries: Array.from({ length: n }, () => ({ Source: 'fz', DetailType: 't', Detail: JSON.stringify({ p: 'y'.repeat(130_000) }) })) })),
  )
  .map((input) => ({ kind: 'oversized-entries', target: 'PutEvents', body: JSON.stringify(input) }));
const overLimitBody: fc.Arbitrary<FuzzRequest> = fc
  .integer({ min: maxBody + 1, max: maxBody + 64 * 1024 })
  .map((n) => ({ kind: 'body-over-4MiB', target: 'PutEvents', body: () => '{"Entries":[{"Detail":"' + 'z'.repeat(n) + '"}]}' }));

const anyRequest = fc.oneof(
  { weight: 70, arbitrary: typedRequest },
  { weight: 12, arbitrary: rawBody },
  { weight: 12, arbitrary: badEnvelope },
  { weight: 5, arbitrary: oversized },
  { weight: 1, arbitrary: overLimitBody },
);

// ---------- the run ----------

let emu: Running;

beforeAll(async () => {
  // Real time stands still, so no timer (schedules, retries, replays) changes state between
  // a snapshot and the request it brackets; only requests move the store.
  const frozen = Date.UTC(2026, 10, 23, 12);
  emu = await startEmulator({ clock: new VirtualClock(() => frozen) });
  const call = (target: string, input: object, authz?: string) => send({ kind: 'seed', target, authorization: authz, body: JSON.stringify(input) });
  for (const key of ['111111111111', '222222222222', 'test']) for (const region of ['us-east-1', 'eu-west-1']) await call('ListEventBuses', {}, sigv4(key, region));
  await call('CreateEventBus', { Name: 'fz-bus' });
  await call('PutRule', { Name: 'fz-rule', EventBusName: 'fz-bus', EventPattern: '{"source":["fz"]}' });
  await call('PutRule', { Name: 'fz-rule', EventPattern: '{"source":["fz"]}' });
  await call('CreateConnection', { Name: 'fz-conn', AuthorizationType: 'API_KEY', AuthParameters: { ApiKeyAuthParameters: { ApiKeyName: 'k', ApiKeyValue: 'v' } } });
  await call('CreateArchive', { ArchiveName: 'fz-archive', EventSourceArn: 'arn:aws:events:us-east-1:000000000000:event-bus/fz-bus' });
  // Resources named after Object.prototype's properties, in two accounts, for requests to find.
  for (const account of ['111111111111', '222222222222']) {
    for (const name of ['__proto__', 'constructor']) {
      const as = sigv4(account, 'us-east-1');
      await call('CreateEventBus', { Name: name }, as);
      await call('PutRule', { Name: name, EventBusName: name, EventPattern: '{"source":["fz"]}' }, as);
      await call('CreateConnection', { Name: name, AuthorizationType: 'API_KEY', AuthParameters: { ApiKeyAuthParameters: { ApiKeyName: name, ApiKeyValue: 'v' } } }, as);
    }
  }
});

afterAll(async () => {
  await emu?.close();
});

async function send(req: FuzzRequest) {
  const headers: Record<string, string> = { 'Content-Type': req.contentType ?? 'application/x-amz-json-1.1' };
  if (req.contentType === '') delete headers['Content-Type'];
  if (req.target !== undefined) headers['X-Amz-Target'] = req.target.startsWith('@raw:') ? req.target.slice(5) : `AWSEvents.${req.target}`;
  if (req.authorization) headers.Authorization = req.authorization;
  const body = typeof req.body === 'function' ? req.body() : req.body;
  const res = await fetch(emu.url + '/', { method: 'POST', headers, body, signal: AbortSignal.timeout(10_000) });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text };
}

// Object.prototype's own properties as they were before any request, values and accessors by identity.
const prototypeBefore = new Map(Object.getOwnPropertyNames(Object.prototype).map((n) => [n, Object.getOwnPropertyDescriptor(Object.prototype, n)!]));
function prototypeChanged(): boolean {
  const now = Object.getOwnPropertyNames(Object.prototype);
  if (now.length !== prototypeBefore.size) return true;
  for (const n of now) {
    const was = prototypeBefore.get(n);
    const is = Object.getOwnPropertyDescriptor(Object.prototype, n)!;
    if (!was || was.value !== is.value || was.get !== is.get || was.set !== is.set) return true;
  }
  const probe: Record<string, unknown> = {};
  for (const _key in probe) return true;
  return false;
}

function snapshot(): string {
  return JSON.stringify({ namespaces: emu.emulator.store.namespaces(), delivery: emu.emulator.store.delivery, healthChecks: emu.emulator.store.healthChecks });
}

function firstDifference(a: string, b: string): string {
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  return `before: ...${a.slice(Math.max(0, i - 150), i + 80)}... after: ...${b.slice(Math.max(0, i - 150), i + 80)}...`;
}

function describe(req: FuzzRequest): string {
  const body = typeof req.body === 'function' ? '<over 4 MiB>' : req.body;
  return `${req.kind} ${req.target ?? '(no target)'} ${req.contentType ?? ''} ${body.length > 300 ? body.slice(0, 300) + `... (${body.length} chars)` : body}`;
}

test(`${runs} random and mutated requests: AWS-shaped answers, no 500, no hang, rejected requests change nothing`, async () => {
  const problems = new Map<string, string>();
  const tally = new Map<string, number>();
  const note = (key: string, what: string) => {
    if (!problems.has(key)) problems.set(key, what);
  };
  const started = performance.now();
  let slowest = 0;
  await fc.assert(
    fc.asyncProperty(anyRequest, async (req) => {
      await emu.emulator.engine.idle();
      const before = snapshot();
      const t = performance.now();
      let res;
      try {
        res = await send(req);
      } catch (err) {
        note(`transport:${(err as Error).name}`, `${(err as Error).message}: ${describe(req)}`);
        return true;
      }
      slowest = Math.max(slowest, performance.now() - t);
      if (prototypeChanged()) note(`prototype-changed:${req.target}`, describe(req));
      const type = res.headers.get('x-amzn-errortype');
      tally.set(`${res.status} ${type ?? 'ok'}`, (tally.get(`${res.status} ${type ?? 'ok'}`) ?? 0) + 1);
      let json: any;
      try {
        // Operations without output members answer an empty body.
        json = res.status === 200 && res.text === '' ? {} : JSON.parse(res.text);
      } catch {
        note(`not-json:${res.status}`, `${res.status} ${res.text.slice(0, 200)} for ${describe(req)}`);
        return true;
      }
      if (res.status === 200) {
        if (json === null || typeof json !== 'object' || Array.isArray(json)) note('200-not-object', describe(req));
        return true;
      }
      if (res.status < 400 || res.status > 599) note(`status:${res.status}`, describe(req));
      if (!type || json.__type !== type) note(`shape:${res.status}:${type}`, `${res.text.slice(0, 200)} for ${describe(req)}`);
      if (res.status === 500 || json.__type === 'InternalException') note(`500:${json.message}`, `${res.text.slice(0, 200)} for ${describe(req)}`);
      await emu.emulator.engine.idle();
      const after = snapshot();
      if (after !== before) note(`state-changed:${req.target}:${json.__type}`, `${res.text.slice(0, 200)} for ${describe(req)}; ${firstDifference(before, after)}`);
      return true;
    }),
    { numRuns: runs, seed, endOnFailure: true },
  );
  const health = await fetch(`${emu.url}/_eventbridge-local/health`);
  expect(health.status).toBe(200);
  const seconds = (performance.now() - started) / 1000;
  // eslint-disable-next-line no-console
  console.log(
    `fuzz: ${runs} requests in ${seconds.toFixed(1)} s (seed ${seed}), slowest ${slowest.toFixed(0)} ms\n` +
      [...tally].sort((a, b) => b[1] - a[1]).map(([k, n]) => `  ${n}\t${k}`).join('\n'),
  );
  expect(Object.fromEntries(problems)).toEqual({});
}, 150_000);
