/**
 * One PutEvents / PutPartnerEvents entry: AWS's per-entry checks and the envelope
 * it becomes. Pure apart from the id and clock passed in.
 */
import { formatEventTime, type EventEnvelope } from './envelope.js';

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

/** The per-entry error AWS gives, in the order AWS checks (observed texts, aws-facts §4.2). */
export function entryFailure(entry: PutEventsEntry, options: { allowAwsSources: boolean }): EntryFailure | undefined {
  if (!entry.Source) return required('Source');
  if (!entry.DetailType) return required('DetailType');
  if (entry.Detail === undefined) return required('Detail');
  if (!isJsonObject(entry.Detail)) return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
  // The aws. namespace is reserved for AWS services.
  if (!options.allowAwsSources && entry.Source.startsWith('aws.')) {
    return { ErrorCode: 'NotAuthorizedForSourceException', ErrorMessage: 'Not authorized for the source.' };
  }
  return undefined;
}

function isJsonObject(text: string): boolean {
  try {
    const value = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value);
  } catch {
    return false;
  }
}

/**
 * Entry size as AWS documents it: 14 bytes for Time when present, plus the UTF-8
 * bytes of Source, DetailType, Detail and each Resources item.
 */
export function entrySize(entry: PutEventsEntry): number {
  let size = entry.Time !== undefined ? 14 : 0;
  for (const text of [entry.Source, entry.DetailType, entry.Detail, ...(entry.Resources ?? [])]) {
    if (text) size += Buffer.byteLength(text, 'utf8');
  }
  return size;
}

export function envelopeOf(entry: PutEventsEntry, id: string, account: string, region: string, nowMs: number): EventEnvelope {
  return {
    version: '0',
    id,
    'detail-type': entry.DetailType!,
    source: entry.Source!,
    account,
    time: formatEventTime(entry.Time !== undefined ? entry.Time * 1000 : nowMs),
    region,
    resources: entry.Resources ?? [],
    detail: JSON.parse(entry.Detail!),
  };
}
