/** Bugs the fuzzer found (test/reliability/fuzz.test.ts), pinned as plain cases. */
import { rawCall, startEmulator, type Running } from '../helpers/emulator.js';

let emu: Running;
beforeAll(async () => {
  emu = await startEmulator();
});
afterAll(async () => {
  await emu.close();
});

// readRequest looked members up with `members[name]`, so `__proto__`, `constructor` or
// `toString` found Object.prototype's and failed as an "Unknown shape": a 500 InternalException.
test.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty'])('a member named %s is ignored as any unknown member is', async (key) => {
  const list = await rawCall(emu.url, 'ListEventBuses', JSON.stringify({ [key]: { x: 1 } }));
  expect(list.status).toBe(200);
  const create = await rawCall(emu.url, 'CreateEventBus', `{"${key}":{"x":1}}`);
  expect(create.status).toBe(400);
  expect(create.json.__type).toBe('ValidationException');
});

test('a map key named __proto__ is kept as data', async () => {
  const res = await rawCall(emu.url, 'CreateEventBus', '{"Name":"proto-tags","Tags":[{"Key":"__proto__","Value":"v"}]}');
  expect(res.status).toBe(200);
  const put = await rawCall(emu.url, 'PutRule', '{"Name":"proto-rule","EventPattern":"{\\"source\\":[\\"a\\"]}"}');
  expect(put.status).toBe(200);
  const targets = await rawCall(
    emu.url,
    'PutTargets',
    '{"Rule":"proto-rule","Targets":[{"Id":"t","Arn":"arn:aws:execute-api:us-east-1:000000000000:abc123/prod/POST/orders","HttpParameters":{"HeaderParameters":{"__proto__":"v","toString":"w"}}}]}',
  );
  expect(targets.status).toBe(200);
  expect(targets.json.FailedEntryCount).toBe(0);
  const listed = await rawCall(emu.url, 'ListTargetsByRule', '{"Rule":"proto-rule"}');
  expect(listed.json.Targets[0].HttpParameters.HeaderParameters).toEqual(JSON.parse('{"__proto__":"v","toString":"w"}'));
});

// rulesOfBus created the bus's rule table (`ns.rules[bus] ??= {}`) on every lookup, so a
// DescribeRule or DisableRule for a missing rule, or a PutRule refused by validation, changed state.
test('a rule lookup that fails leaves the store as it was', async () => {
  const other = await startEmulator();
  const client = other.clientFor('333333333333', 'eu-west-1');
  const auth = 'AWS4-HMAC-SHA256 Credential=333333333333/20260101/eu-west-1/events/aws4_request, SignedHeaders=host, Signature=00';
  await rawCall(other.url, 'ListEventBuses', '{}', { Authorization: auth });
  const before = JSON.stringify(other.emulator.store.namespaces());
  for (const [op, body] of [['DescribeRule', '{"Name":"nope"}'], ['DisableRule', '{"Name":"nope"}'], ['PutRule', '{"Name":"bad","EventPattern":"{\\"a\\":1}"}']]) {
    const res = await rawCall(other.url, op, body, { Authorization: auth });
    expect(res.status).toBe(400);
    expect(JSON.stringify(other.emulator.store.namespaces())).toBe(before);
  }
  client.destroy();
  await other.close();
});
