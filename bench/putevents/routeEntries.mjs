// In-process A/B of what PutEvents does per entry after validation (the entry's checks, the
// envelope, the router: match, recent-events list), two built checkouts alternating, CPU time:
//   node bench/putevents/routeEntries.mjs <checkout-A> <checkout-B> [rounds] [--no-rules]
// The ingest bench's 10 entries and 100 rules (2 matching, no targets). Whole servers measured
// under load move by more than this part's share; this isolates it.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { alternatingCpuRounds } from '../lib/load.mjs';
import { ingestEntries, ingestPattern } from '../lib/ingestLoad.mjs';

const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const [a, b] = args;
const rounds = Number(args[2] ?? 8);
const ruleCount = process.argv.includes('--no-rules') ? 0 : 100;
const entries = ingestEntries;

async function load(checkout) {
  const from = (path) => import(pathToFileURL(resolve(checkout, 'dist/src', path)).href);
  const [{ EventRouter }, entry, { DeliveryHistory }, { VirtualClock }, { randomIds }, { createLogger }] = await Promise.all(
    ['apis/events/bus/router.js', 'apis/events/bus/putEventsEntry.js', 'engine/delivery/history.js', 'util/clock.js', 'util/ids.js', 'util/log.js'].map(from),
  );
  const clock = new VirtualClock();
  const router = new EventRouter({ records: undefined, clock, ids: randomIds, log: createLogger('silent'), history: new DeliveryHistory(), engine: undefined });
  const rules = {};
  for (let i = 0; i < ruleCount; i++) {
    const pattern = ingestPattern(i);
    rules[`rule-${i}`] = { name: `rule-${i}`, arn: `arn:aws:events:us-east-1:000000000000:rule/rule-${i}`, eventBusName: 'default', eventPattern: JSON.stringify(pattern), state: 'ENABLED', targets: [] };
  }
  const ns = { account: '000000000000', region: 'us-east-1', eventBuses: { default: {} }, rules: { default: rules } };
  const putOne = (e, id, now) => router.route(ns, 'default', entry.envelopeOf(entry.checkEntry(e, { allowAwsSources: false }), id, '000000000000', 'us-east-1', now));
  return () => {
    const now = clock.now();
    let matched = 0;
    for (const e of entries) matched += putOne(e, randomIds.uuid(), now).length;
    return matched;
  };
}

const requests = await Promise.all([a, b].map(load));
alternatingCpuRounds([a, b], requests, { rounds, expected: ruleCount ? 4 : 0, what: 'per 10-entry request' });
