// In-process A/B of what the ingest bench's captured deliveries cost: the router, the delivery
// engine's immediate path, the capture, the finished-delivery history and (with --journaled)
// the journal bytes of each request's batch (made, sealed and encoded, not written). Two built
// checkouts alternating, CPU time:
//   node bench/putevents/routeDeliveries.mjs <checkout-A> <checkout-B> [rounds] [--journaled] [--no-targets]
// The ingest bench's 10 entries and 100 rules (2 matching, each with one captured SQS target):
// 4 deliveries per request. Whole servers under load move by more than this part's share; on a
// machine too loaded even for this, count instructions instead: run one checkout's loop under
// `valgrind --tool=cachegrind --cache-sim=no node --single-threaded` at two request counts and
// take the difference per request (docs/performance.md, p28-deliver). One checkout's loop alone:
//   node bench/putevents/routeDeliveries.mjs <checkout> --requests=N [--journaled] [--no-targets]
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { alternatingCpuRounds } from '../lib/load.mjs';
import { ingestEntries, ingestPattern, ingestTarget } from '../lib/ingestLoad.mjs';

const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const [a, b] = args;
const rounds = Number(args[2] ?? 8);
const journaled = process.argv.includes('--journaled');
const withTargets = !process.argv.includes('--no-targets');
const ruleCount = 100;
const entries = ingestEntries;

async function load(checkout) {
  const from = (path) => import(pathToFileURL(resolve(checkout, 'dist/src', path)).href);
  const [{ EventRouter }, entry, { DeliveryHistory }, { VirtualClock }, { randomIds }, { createLogger }, { DeliveryEngine }, { captureSender }, { DeliveryRecords }] = await Promise.all(
    [
      'apis/events/bus/router.js',
      'apis/events/bus/putEventsEntry.js',
      'engine/delivery/history.js',
      'util/clock.js',
      'util/ids.js',
      'util/log.js',
      'engine/delivery/engine.js',
      'engine/delivery/senders.js',
      'store/deliveryRecords.js',
    ].map(from),
  );
  const clock = new VirtualClock();
  const log = createLogger('silent');
  const history = new DeliveryHistory();
  const records = new DeliveryRecords(undefined, journaled);
  const store = { delivery: records, persistDeliveries: async () => {}, persistChanges: async () => {} };
  const unused = () => {
    throw new Error('not in this bench');
  };
  const engine = new DeliveryEngine({ store, clock, log, history, random: Math.random, senders: { 'event-bus': unused, 'api-destination': unused, captured: captureSender(records) }, immediate: ['captured'] });
  const router = new EventRouter({ records, clock, ids: randomIds, log, history, engine });
  const rules = {};
  for (let i = 0; i < ruleCount; i++) {
    const matching = i < 2;
    const pattern = ingestPattern(i);
    const targets = matching && withTargets ? [ingestTarget(i)] : [];
    rules[`rule-${i}`] = { name: `rule-${i}`, arn: `arn:aws:events:us-east-1:000000000000:rule/rule-${i}`, eventBusName: 'default', eventPattern: JSON.stringify(pattern), state: 'ENABLED', targets };
  }
  const ns = { account: '000000000000', region: 'us-east-1', eventBuses: { default: {} }, rules: { default: rules } };
  const putOne = (e, id, now) => router.route(ns, 'default', entry.envelopeOf(entry.checkEntry(e, { allowAwsSources: false }), id, '000000000000', 'us-east-1', now));
  return () => {
    const now = clock.now();
    let matched = 0;
    for (const e of entries) matched += putOne(e, randomIds.uuid(), now).length;
    // Text chunks (builds before p28-deliver) are encoded as the journal's append did.
    if (journaled) for (const chunk of records.takeBatch()?.chunks() ?? []) matched += (typeof chunk === 'string' ? Buffer.from(chunk) : chunk).length > 0 ? 0 : 1;
    return matched;
  };
}

const only = Number(process.argv.find((arg) => arg.startsWith('--requests='))?.slice('--requests='.length) ?? 0);
if (only) {
  const request = await load(a);
  let sink = 0;
  for (let i = 0; i < only; i++) sink += request();
  if (sink !== only * 4) throw new Error(`unexpected matches: ${sink}`);
  process.exit(0);
}
const requests = await Promise.all([a, b].map(load));
alternatingCpuRounds([a, b], requests, { rounds, expected: 4, what: `per 10-entry request (${withTargets ? '4 captured deliveries' : 'no targets'}${journaled ? ', journal text made' : ''})` });
