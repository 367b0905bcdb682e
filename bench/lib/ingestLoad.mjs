// The ingest bench's workload, shared by every script that measures it (bench/putevents/*): one
// PutEvents of 10 entries, and a bus of 100 rules of which 2 match entries 0 and 5 (4 matches per
// request), each of those 2 with a captured SQS target unless told otherwise.

/** Entries 0 and 5 come from bench.orders and match rules 0 and 1; the other 8 match nothing. */
export const ingestEntries = Array.from({ length: 10 }, (_, i) => ({
  Source: i % 5 === 0 ? 'bench.orders' : `bench.other${i}`,
  DetailType: 'Order Placed',
  Detail: JSON.stringify({ orderId: `o-${i}`, total: 10 + i, items: [{ sku: 'a', qty: 1 }] }),
}));

/** Matches of rules against entries per request: 2 entries x 2 rules. */
export const ingestMatchesPerRequest = 4;

/** Rule i's pattern: rules 0 and 1 match bench.orders with a positive total; the others a source no entry has. */
export function ingestPattern(i) {
  return i < 2 ? { source: ['bench.orders'], detail: { total: [{ numeric: ['>', 0] }] } } : { source: [`nomatch.${i}`], 'detail-type': ['Order Placed'] };
}

/** The target of matching rule i in `account`: a captured SQS queue (the emulator) or a real one (moto). */
export const ingestTarget = (i, account = '000000000000') => ({ Id: 't', Arn: `arn:aws:sqs:us-east-1:${account}:q${i}` });

/**
 * The rules made through an API: `call(operation, input)` must succeed. `rules` (100) of them; the 2
 * matching ones get their target unless `matchingTargets` is false.
 */
export async function prepareIngestRules(call, { rules = 100, matchingTargets = true, account = '000000000000' } = {}) {
  for (let i = 0; i < rules; i++) {
    await call('PutRule', { Name: `rule-${i}`, EventPattern: JSON.stringify(ingestPattern(i)) });
    if (i < 2 && matchingTargets) await call('PutTargets', { Rule: `rule-${i}`, Targets: [ingestTarget(i, account)] });
  }
}
