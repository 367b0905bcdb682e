/**
 * POST /_eventbridge-local/aws-events: put events as an AWS service would. PutEvents rightly
 * refuses `aws.*` sources (NotAuthorizedForSourceException), yet tests need to see `aws.s3`,
 * `aws.ec2`, CloudTrail and the like. An AWS service's event lands on the default event bus
 * of the account and region it happened in ("Events from AWS services": AWS services send
 * events to the default event bus), with that account and region in the envelope.
 *
 * Body: {"Entries": [{Source, DetailType, Detail (object or JSON text), Resources?, Time?,
 * Account?, Region?}]}, or one event as targets receive it ({source, "detail-type", detail,
 * account?, region?, resources?, time?}), or a fixture file's {"event": {...}}.
 * Answers like PutEvents: {FailedEntryCount, Entries: [{EventId} | {ErrorCode, ErrorMessage}]}.
 */
import express from 'express';
import { limits } from '../limits.js';
import { defaultBusName } from '../apis/events/domain/eventBuses.js';
import { checkEntry, entrySize, envelopeOf, isEntryFailure, type EntryFailure, type PutEventsEntry } from '../apis/events/bus/putEventsEntry.js';
import type { EventRouter } from '../apis/events/bus/router.js';
import type { Store } from '../store/store.js';
import type { Clock } from '../util/clock.js';
import type { Ids } from '../util/ids.js';
import type { Logger } from '../util/log.js';
import { defaultAccount, defaultRegion } from '../wire/sigv4.js';

export interface AwsEventsDeps {
  store: Store;
  clock: Clock;
  ids: Ids;
  log: Logger;
  router: EventRouter;
}

export interface AwsEventEntry extends PutEventsEntry {
  Account?: string;
  Region?: string;
}

type Result = { EventId: string } | EntryFailure;

export function awsEventsRouter(deps: AwsEventsDeps): express.Router {
  const router = express.Router();
  router.use(express.json({ limit: limits.putEventsTotalBytes + 64 * 1024 }));
  router.post('/', async (req, res) => {
    if (!req.is('application/json')) {
      res.status(415).json({ message: 'POST the events as JSON (Content-Type: application/json).' });
      return;
    }
    const entries = entriesOf(req.body);
    if (typeof entries === 'string') {
      res.status(400).json({ message: entries });
      return;
    }
    if (deps.store.delivery.full) {
      res.status(429).set('Retry-After', '1').json({ message: 'Too many pending deliveries; retry later.' });
      return;
    }
    const results = entries.map((entry) => put(deps, entry));
    // Deliveries only (a namespace created on the way names itself).
    await deps.store.persistChanges();
    const failed = results.filter((r) => 'ErrorCode' in r).length;
    res.json({ FailedEntryCount: failed, Entries: results });
  });
  return router;
}

function put(deps: AwsEventsDeps, entry: AwsEventEntry): Result {
  const account = entry.Account ?? defaultAccount;
  const region = entry.Region ?? defaultRegion;
  if (!/^\d{12}$/.test(account)) return { ErrorCode: 'InvalidArgument', ErrorMessage: 'Parameter Account is not valid. Reason: an account id is 12 digits.' };
  if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(region)) return { ErrorCode: 'InvalidArgument', ErrorMessage: `Parameter Region is not valid. Reason: ${region} is not a Region name.` };
  if (typeof entry.Source !== 'string' || !entry.Source.startsWith('aws.') || entry.Source.startsWith('aws.partner/')) {
    return { ErrorCode: 'InvalidArgument', ErrorMessage: 'Parameter Source is not valid. Reason: an AWS service event has an aws.* source (partner events: eventbridge-local send).' };
  }
  if (entry.EventBusName !== undefined && entry.EventBusName !== defaultBusName) {
    return { ErrorCode: 'InvalidArgument', ErrorMessage: 'Parameter EventBusName is not valid. Reason: AWS services send their events to the default event bus.' };
  }
  if (entrySize(entry) > limits.putEventsTotalBytes) return { ErrorCode: 'InvalidArgument', ErrorMessage: 'Parameter Entries is not valid. Reason: the entry is larger than 256 KB.' };
  const checked = checkEntry(entry, { allowAwsSources: true });
  if (isEntryFailure(checked)) return checked;
  const id = deps.ids.uuid();
  const ns = deps.store.namespace(account, region);
  deps.router.route(ns, defaultBusName, envelopeOf(checked, id, account, region, deps.clock.now()));
  deps.log.info('AWS service event put', { source: entry.Source, detailType: entry.DetailType, account, region, eventId: id });
  return { EventId: id };
}

/** The entries of a request body, or what is wrong with it. */
export function entriesOf(body: unknown): AwsEventEntry[] | string {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return 'Expected {"Entries": [...]} or one event {"source", "detail-type", "detail", ...}.';
  const b = body as Record<string, unknown>;
  if (Array.isArray(b.Entries)) {
    if (b.Entries.length < 1 || b.Entries.length > limits.putEventsEntries) return `Entries holds 1 to ${limits.putEventsEntries} entries.`;
    return b.Entries.map((e) => normalizeEntry((e ?? {}) as Record<string, unknown>));
  }
  const event = (b.event && typeof b.event === 'object' ? b.event : b) as Record<string, unknown>;
  if (typeof event.source !== 'string' || typeof event['detail-type'] !== 'string') return 'Expected {"Entries": [...]} or one event {"source", "detail-type", "detail", ...}.';
  return [
    normalizeEntry({
      Source: event.source,
      DetailType: event['detail-type'],
      Detail: event.detail ?? {},
      Resources: event.resources,
      Time: event.time,
      Account: event.account,
      Region: event.region,
    }),
  ];
}

function normalizeEntry(e: Record<string, unknown>): AwsEventEntry {
  const entry: AwsEventEntry = {
    Source: e.Source as string | undefined,
    DetailType: e.DetailType as string | undefined,
    Detail: e.Detail !== undefined && typeof e.Detail !== 'string' ? JSON.stringify(e.Detail) : (e.Detail as string | undefined),
  };
  if (Array.isArray(e.Resources)) entry.Resources = e.Resources.map(String);
  const time = typeof e.Time === 'string' ? Date.parse(e.Time) / 1000 : typeof e.Time === 'number' ? e.Time : undefined;
  if (time !== undefined && !Number.isNaN(time)) entry.Time = time;
  if (typeof e.Account === 'string') entry.Account = e.Account;
  if (typeof e.Region === 'string') entry.Region = e.Region;
  if (typeof e.EventBusName === 'string') entry.EventBusName = e.EventBusName;
  return entry;
}
