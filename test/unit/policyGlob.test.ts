/** Bus-policy Resource globs (issue 18 item 9): `*` and `?` matched without backtracking regexes. */
import { globMatches } from '../../src/apis/events/domain/permissions.js';

test.each([
  ['arn:aws:events:us-east-1:*:event-bus/*', 'arn:aws:events:us-east-1:111111111111:event-bus/orders', true],
  ['arn:aws:events:*:*:event-bus/default', 'arn:aws:events:eu-west-1:111111111111:event-bus/default', true],
  ['arn:aws:events:*:*:event-bus/default', 'arn:aws:events:eu-west-1:111111111111:event-bus/defaults', false],
  ['*', '', true],
  ['', '', true],
  ['', 'a', false],
  ['a?c', 'abc', true],
  ['a?c', 'ac', false],
  ['*a*b', 'xaxbxb', true],
  ['*a*b', 'xaxbxc', false],
  ['a*', 'a', true],
  ['**', 'anything', true],
  ['ab*cd*ef', 'abXcdYcdZef', true],
  ['ab*cd*ef', 'abXcdYcdZe', false],
  ['.+^$()[]{}|\\', '.+^$()[]{}|\\', true],
  ['a.c', 'abc', false],
])('%s against %s: %s', (pattern, value, expected) => {
  expect(globMatches(pattern, value)).toBe(expected);
});

test('*a*a*a*a*Z against 200 characters takes steps in proportion to pattern × value, not exponential', () => {
  const steps = { count: 0 };
  expect(globMatches('*a*a*a*a*Z', 'a'.repeat(200), steps)).toBe(false);
  expect(steps.count).toBeLessThanOrEqual(10 * 200);
  const many = { count: 0 };
  expect(globMatches('*a'.repeat(20) + '*Z', 'a'.repeat(256), many)).toBe(false);
  expect(many.count).toBeLessThanOrEqual(42 * 256);
});
