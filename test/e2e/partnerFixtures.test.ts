/** Every fixture under fixtures/partner-events/ matches its own pattern through TestEventPattern, and only its own. */
import { readdirSync, readFileSync } from 'node:fs';
import { TestEventPatternCommand } from '@aws-sdk/client-eventbridge';
import { startEmulator, type Running } from '../helpers/emulator.js';

const dir = new URL('../../fixtures/partner-events/', import.meta.url);
const fixtures = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .map((file) => ({ file, ...(JSON.parse(readFileSync(new URL(file, dir), 'utf8')) as { description: string; event: Record<string, unknown>; pattern: object }) }));

let emu: Running;
beforeAll(async () => {
  emu = await startEmulator();
});
afterAll(() => emu.close());

const matches = async (event: object, pattern: object) =>
  (await emu.client.send(new TestEventPatternCommand({ Event: JSON.stringify(event), EventPattern: JSON.stringify(pattern) }))).Result;

test('the fixtures cover GitHub (push, pull_request), Stripe, Shopify, Salesforce via AppFlow, Auth0 and Datadog', () => {
  const sources = fixtures.map((f) => `${f.event.source} ${f.event['detail-type']}`);
  for (const expected of [/^github\.com push$/, /^github\.com pull_request$/, /^aws\.partner\/stripe\.com\//, /^aws\.partner\/shopify\.com\//, /^aws\.partner\/appflow\/salesforce\.com\//, /^aws\.partner\/auth0\.com\//, /^aws\.partner\/datadog\.com\//]) {
    expect(sources.some((s) => expected.test(s))).toBe(true);
  }
});

describe.each(fixtures)('$file', ({ event, pattern, description }) => {
  test('has a description and an envelope as targets receive it', () => {
    expect(description.length).toBeGreaterThan(20);
    expect(Object.keys(event)).toEqual(['version', 'id', 'detail-type', 'source', 'account', 'time', 'region', 'resources', 'detail']);
    // Partner sources follow the model's EventSourceName; anything else must not use the reserved aws. namespace.
    if (String(event.source).startsWith('aws.')) expect(event.source).toMatch(/^aws\.partner(\/[.\-_A-Za-z0-9]+){2,}$/);
  });

  test('matches its pattern (TestEventPattern)', async () => {
    expect(await matches(event, pattern)).toBe(true);
  });

  test('the pattern is specific: another source, or another detail-type, does not match', async () => {
    expect(await matches({ ...event, source: 'other.example' }, pattern)).toBe(false);
    expect(await matches({ ...event, 'detail-type': 'Something Else' }, pattern)).toBe(false);
  });
});
