import { rememberLast } from '../../src/util/rememberLast.js';

test('rememberLast computes once per run of the same argument and again when it changes', () => {
  const seen: number[] = [];
  const text = rememberLast((n: number) => {
    seen.push(n);
    return `t${n}`;
  });
  expect([text(0), text(0), text(1), text(1), text(0)]).toEqual(['t0', 't0', 't1', 't1', 't0']);
  expect(seen).toEqual([0, 1, 0]);
});
