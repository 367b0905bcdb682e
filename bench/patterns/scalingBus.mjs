// The one-bus scaling workload of bench/patterns (run.mjs's part 3, ab.mjs's `scaling` mode):
// 1 ... 10,000 rules of mixed operators, all anchored on `source`, over enveloped citylots2 events.
export const SOURCES = 100;
export const DETAIL_TYPES = ['Lot Created', 'Lot Updated', 'Lot Deleted'];
export const RULE_COUNTS = [1, 10, 100, 1000, 10000];

/** The envelope PutEvents builds around a detail, as JSON text (the detail's text kept as it is). */
export function envelopeText(detail, i) {
  return `{"version":"0","id":"id-${i}","detail-type":"${DETAIL_TYPES[i % DETAIL_TYPES.length]}","source":"city.lots.${i % SOURCES}",` +
    `"account":"123456789012","time":"2024-06-07T00:00:00Z","region":"us-east-1","resources":[],"detail":${detail}}`;
}

/** Rule i: a source, sometimes a detail-type, and one content filter of a rotating operator. */
export function mixedRule(i) {
  const source = [`city.lots.${i % SOURCES}`];
  const filters = [
    { properties: { STREET: [{ prefix: ['A', 'B', 'C', 'D', 'M'][i % 5] }] } },
    { properties: { ST_TYPE: [{ 'anything-but': ['ST', 'AVE'] }] } },
    { geometry: { firstCoordinates: { x: [{ numeric: ['>', -122.45, '<=', -122.40 + (i % 7) / 1000] }] } } },
    { properties: { STREET: [{ 'equals-ignore-case': 'mason' }] } },
    { properties: { MAPBLKLOT: [{ wildcard: `${i % 10}*0*` }] } },
    { properties: { STREET: [{ suffix: 'ON' }], ODD_EVEN: ['E'] } },
    { properties: { FROM_ST: [{ exists: true }], TO_ST: [{ 'anything-but': { prefix: '1' } }] } },
    { $or: [{ properties: { ST_TYPE: ['CT'] } }, { geometry: { type: ['MultiPolygon'] } }] },
  ];
  const rule = { source, detail: filters[i % filters.length] };
  if (i % 3 === 0) rule['detail-type'] = [DETAIL_TYPES[i % DETAIL_TYPES.length]];
  return rule;
}

/** A RuleIndex of `matcher` ({ compilePattern, RuleIndex }) holding rules 0 ... count-1, warmed on `warmEvents`. */
export function scalingBus(matcher, count, warmEvents) {
  const index = new matcher.RuleIndex();
  for (let i = 0; i < count; i++) index.add(`r${i}`, matcher.compilePattern(JSON.stringify(mixedRule(i))), i);
  for (const e of warmEvents) index.match(e);
  return index;
}
