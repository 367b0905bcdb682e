/**
 * One PutEvents / PutPartnerEvents entry: AWS's per-entry checks and the envelope
 * it becomes. Pure apart from the id and clock passed in.
 */
import { isJsonObjectText } from '../../../engine/patterns/index.js';
import { formatEventTime, UnparsedDetail, type EventEnvelope } from './envelope.js';

export interface PutEventsEntry {
  Time?: number;
  Source?: string;
  Resources?: string[];
  DetailType?: string;
  Detail?: string;
  EventBusName?: string;
  TraceHeader?: string;
}

export interface EntryFailure {
  ErrorCode: string;
  ErrorMessage: string;
}

const required = (name: string): EntryFailure => ({
  ErrorCode: 'InvalidArgument',
  ErrorMessage: `Parameter ${name} is not valid. Reason: ${name} is a required argument.`,
});

/**
 * An entry that passed AWS's checks, with its Detail parsed, or checked and left for the router to
 * parse when a rule may read it (UnparsedDetail: parsing is most of an entry's cost).
 */
export interface CheckedEntry {
  entry: PutEventsEntry;
  detail: Record<string, unknown> | UnparsedDetail;
}

// An event's `time` is `YYYY-MM-DDThh:mm:ssZ`: a Time outside years 0-9999 has no such form (and
// 1e15 is past what a JS Date holds). The emulator's own check; AWS's answer is not recorded.
const minTimeSeconds = Date.parse('0000-01-01T00:00:00Z') / 1000;
const maxTimeSeconds = Date.parse('+010000-01-01T00:00:00Z') / 1000;

/** The per-entry error AWS gives, in the order AWS checks (observed texts, aws-facts §4.2); else the checked entry. */
export function checkEntry(entry: PutEventsEntry, options: { allowAwsSources: boolean }): CheckedEntry | EntryFailure {
  if (!entry.Source) return required('Source');
  if (!entry.DetailType) return required('DetailType');
  if (entry.Detail === undefined) return required('Detail');
  if (entry.Time !== undefined && !(entry.Time >= minTimeSeconds && entry.Time < maxTimeSeconds)) {
    return { ErrorCode: 'InvalidArgument', ErrorMessage: 'Parameter Time is not valid. Reason: Time must be a date between the years 0 and 9999.' };
  }
  // Scanned, not parsed, when the scanner can tell; JSON.parse decides the rest (and every malformed one).
  const detail = isJsonObjectText(entry.Detail) ? new UnparsedDetail(entry.Detail) : parseJsonObject(entry.Detail);
  if (!detail) return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
  // The aws. namespace is reserved for AWS services.
  if (!options.allowAwsSources && entry.Source.startsWith('aws.')) {
    return { ErrorCode: 'NotAuthorizedForSourceException', ErrorMessage: 'Not authorized for the source.' };
  }
  return { entry, detail };
}

export function isEntryFailure(checked: CheckedEntry | EntryFailure): checked is EntryFailure {
  return 'ErrorCode' in checked;
}

function parseJsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Entry size as AWS documents it: 14 bytes for Time when present, plus the UTF-8
 * bytes of Source, DetailType, Detail and each Resources item.
 */
export function entrySize(entry: PutEventsEntry): number {
  let size = (entry.Time !== undefined ? 14 : 0) + utf8Bytes(entry.Source) + utf8Bytes(entry.DetailType) + utf8Bytes(entry.Detail);
  if (entry.Resources) for (const resource of entry.Resources) size += utf8Bytes(resource);
  return size;
}

const utf8Bytes = (text: string | undefined) => (text ? Buffer.byteLength(text, 'utf8') : 0);

/**
 * Is the entries' total size (entrySize) over `limit`? Told from string lengths when it can be: a
 * UTF-16 unit is at most 3 UTF-8 bytes, and most requests are far below the limit (profile: the
 * 30 Buffer.byteLength calls of a 10-entry PutEvents were ~2 % of ingest's own CPU).
 */
export function entriesExceed(entries: readonly PutEventsEntry[], limit: number): boolean {
  let atMost = 0;
  for (const entry of entries) atMost += maxEntrySize(entry);
  if (atMost <= limit) return false;
  let total = 0;
  for (const entry of entries) total += entrySize(entry);
  return total > limit;
}

function maxEntrySize(entry: PutEventsEntry): number {
  let units = (entry.Source?.length ?? 0) + (entry.DetailType?.length ?? 0) + (entry.Detail?.length ?? 0);
  if (entry.Resources) for (const resource of entry.Resources) units += resource.length;
  return (entry.Time !== undefined ? 14 : 0) + 3 * units;
}

export function envelopeOf({ entry, detail }: CheckedEntry, id: string, account: string, region: string, nowMs: number): EventEnvelope {
  return {
    version: '0',
    id,
    'detail-type': entry.DetailType!,
    source: entry.Source!,
    account,
    time: formatEventTime(entry.Time !== undefined ? entry.Time * 1000 : nowMs),
    region,
    resources: entry.Resources ?? [],
    detail,
  };
}
