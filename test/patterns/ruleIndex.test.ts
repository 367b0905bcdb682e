import { RuleIndex, compilePattern } from '../../src/engine/patterns/index.js';

const rule = (pattern: object) => compilePattern(JSON.stringify(pattern));
const event = (source: string, detail: object = {}) => ({ source, 'detail-type': 'T', detail });

describe('RuleIndex', () => {
  it('returns the values of matching rules in the order they were added', () => {
    const index = new RuleIndex<string>();
    index.add('b', rule({ source: ['s'] }), 'B');
    index.add('a', rule({ detail: { x: [1] } }), 'A');
    index.add('c', rule({ source: ['s'], detail: { x: [2] } }), 'C');
    expect(index.match(event('s', { x: 1 }))).toEqual(['B', 'A']);
    expect(index.match(event('s', { x: 2 }))).toEqual(['B', 'C']);
    expect(index.match(event('t', { x: 1 }))).toEqual(['A']);
  });

  it('replaces a rule added again under the same key', () => {
    const index = new RuleIndex<string>();
    index.add('r', rule({ source: ['old'] }), 'first');
    index.add('r', rule({ source: ['new'] }), 'second');
    expect(index.size).toBe(1);
    expect(index.match(event('old'))).toEqual([]);
    expect(index.match(event('new'))).toEqual(['second']);
  });

  it('forgets removed rules, and removing an unknown key is harmless', () => {
    const index = new RuleIndex<string>();
    index.add('r1', rule({ source: ['s'] }), 'r1');
    index.add('r2', rule({ detail: { x: [{ exists: true }] } }), 'r2');
    index.remove('r1');
    index.remove('r2');
    index.remove('never-added');
    expect(index.size).toBe(0);
    expect(index.match(event('s', { x: 1 }))).toEqual([]);
  });

  it('stops reading paths no remaining rule needs, yet keeps shared ones', () => {
    const index = new RuleIndex<string>();
    index.add('deep', rule({ detail: { a: { b: ['1'] } } }), 'deep');
    index.add('shallow', rule({ detail: { c: ['2'] } }), 'shallow');
    index.remove('deep');
    expect(index.match(event('s', { a: { b: '1' }, c: '2' }))).toEqual(['shallow']);
    index.add('deep', rule({ detail: { a: { b: ['1'] } } }), 'deep');
    expect(index.match(event('s', { a: { b: '1' }, c: '2' }))).toEqual(['shallow', 'deep']);
  });

  it('evaluates a rule once even when several anchor values are present', () => {
    const index = new RuleIndex<string>();
    index.add('r', rule({ source: ['a', 'b'] }), 'r');
    expect(index.match({ source: ['a', 'b', 'a'] })).toEqual(['r']);
  });

  it('keeps the values of a set of matched rules only while that set of rules stands, past 29 groups of one value too', () => {
    const index = new RuleIndex<number>();
    const thresholds = Array.from({ length: 40 }, (_, i) => i);
    for (const i of thresholds) index.add(`r${i}`, rule({ source: ['s'], detail: { n: [{ numeric: ['>', i] }] } }), i);
    const upTo = (n: number) => thresholds.filter((i) => i < n);
    for (let twice = 0; twice < 2; twice++) {
      expect(index.match(event('s', { n: 35 }))).toEqual(upTo(35));
      expect(index.match(event('s', { n: 32 }))).toEqual(upTo(32)); // groups 29 on share one bit: not kept
      expect(index.match(event('s', { n: 10 }))).toEqual(upTo(10));
    }
    index.remove('r5');
    expect(index.match(event('s', { n: 35 }))).toEqual(upTo(35).filter((i) => i !== 5));
    expect(index.match(event('s', { n: 10 }))).toEqual(upTo(10).filter((i) => i !== 5));
    index.add('r5', rule({ source: ['s'], detail: { n: [{ numeric: ['>', 5] }] } }), 5);
    index.add('any', rule({ source: ['s'] }), 99);
    expect(index.match(event('s', { n: 10 }))).toEqual([...upTo(10).filter((i) => i !== 5), 5, 99]);
  });

  it('hands out a new list on every match, also when it keeps the values', () => {
    const index = new RuleIndex<string>();
    index.add('a', rule({ source: ['s'] }), 'a');
    index.add('b', rule({ source: ['s'], detail: { x: [1] } }), 'b');
    for (let i = 0; i < 3; i++) index.match(event('s', { x: 1 })).push('changed by a caller');
    expect(index.match(event('s', { x: 1 }))).toEqual(['a', 'b']);
  });

  it('rules testing a field the same way share one evaluation but keep their own verdicts', () => {
    const index = new RuleIndex<number>();
    for (let i = 0; i < 50; i++) index.add(`r${i}`, rule({ source: ['s'], detail: { n: [{ numeric: ['>', i] }], t: ['x'] } }), i);
    expect(index.match(event('s', { n: 10, t: 'x' }))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(index.match(event('s', { n: 3, t: 'y' }))).toEqual([]);
    expect(index.match(event('s', { n: 3, t: 'x' }))).toEqual([0, 1, 2]);
  });

  it('walks the event once per match() call, however many rules there are', () => {
    const index = new RuleIndex<number>();
    for (let i = 0; i < 200; i++) index.add(`r${i}`, rule({ source: [`s${i % 7}`], detail: { v: [{ prefix: `${i}` }] } }), i);
    let detailReads = 0;
    const payload = { source: 's3', detail: { v: '31' } };
    const counted = new Proxy(payload, {
      get(target, key, receiver) {
        if (key === 'detail') detailReads++;
        return Reflect.get(target, key, receiver) as unknown;
      },
    });
    expect(index.match(counted)).toEqual([3, 31]);
    expect(detailReads).toBe(1);
  });

  it('reads only the anchors of an event that meets no candidate rule', () => {
    const index = new RuleIndex<number>();
    for (let i = 0; i < 20; i++) index.add(`r${i}`, rule({ source: [`s${i}`], detail: { v: [{ exists: true }] } }), i);
    const reads: string[] = [];
    const counted = new Proxy({ source: 'other', 'detail-type': 'T', detail: { v: 1 } }, {
      get(target, key, receiver) {
        reads.push(String(key));
        return Reflect.get(target, key, receiver) as unknown;
      },
    });
    expect(index.match(counted)).toEqual([]);
    expect(reads).toEqual(['source']);
  });

  it('still finds anchor values that sit in arrays, or under a dotted key, when deciding from anchors', () => {
    const index = new RuleIndex<string>();
    index.add('top', rule({ source: ['s'] }), 'top');
    expect(index.match({ source: ['x', 's'] })).toEqual(['top']);
    expect(index.match({ source: [['s']] })).toEqual(['top']);
    expect(index.match({ source: { s: 's' } })).toEqual([]);
    expect(index.match({ 'source.x': 's' })).toEqual([]);
    expect(index.match({ source: 7 })).toEqual([]);
    const nested = new RuleIndex<string>();
    nested.add('kind', rule({ detail: { kind: ['k'] } }), 'kind');
    expect(nested.match({ 'detail.kind': 'k' })).toEqual(['kind']);
    expect(nested.match({ detail: { kind: ['j', 'k'] } })).toEqual(['kind']);
    const withScan = new RuleIndex<string>();
    withScan.add('top', rule({ source: ['s'] }), 'top');
    withScan.add('any', rule({ detail: { n: [{ numeric: ['>', 0] }] } }), 'any');
    expect(withScan.match({ source: 'other', detail: { n: 1 } })).toEqual(['any']);
  });

  it('accepts the event as JSON text, keeping number texts', () => {
    const index = new RuleIndex<string>();
    index.add('big', compilePattern('{"detail": {"id": [12345678901234567890]}}'), 'big');
    expect(index.match('{"detail": {"id": 12345678901234567890}}')).toEqual(['big']);
    expect(index.match('{"detail": {"id": 12345678901234567891}}')).toEqual([]);
  });

  it('rules with the same condition are all returned, in order, and outlive each other', () => {
    const index = new RuleIndex<string>();
    index.add('a', rule({ source: ['s'], detail: { x: [1] } }), 'A');
    index.add('b', rule({ detail: { y: [2] } }), 'B');
    index.add('c', rule({ source: ['s'], detail: { x: [1] } }), 'C');
    expect(index.match(event('s', { x: 1, y: 2 }))).toEqual(['A', 'B', 'C']);
    index.remove('a');
    expect(index.match(event('s', { x: 1 }))).toEqual(['C']);
    index.add('a', rule({ source: ['s'], detail: { x: [1] } }), 'A2');
    expect(index.match(event('s', { x: 1 }))).toEqual(['C', 'A2']);
  });

  it('keeps unbounded numeric ranges apart (Infinity and -Infinity are not one test)', () => {
    const index = new RuleIndex<string>();
    index.add('above-infinity', compilePattern('{"a": [{"numeric": [">", 1e400]}]}'), 'above');
    index.add('above-minus-infinity', compilePattern('{"a": [{"numeric": [">", -1e400]}]}'), 'below');
    expect(index.match({ a: 5 })).toEqual(['below']);
  });
});
