/**
 * Fixture files (fixtures/partner-events/*.json): `{"description", "event", "pattern"}`,
 * where `event` is the event as EventBridge delivers it to targets. A file holding just
 * such an event works too. The entry `send` puts is rebuilt from it.
 */
import { readFileSync } from 'node:fs';

export interface FixtureEvent {
  source: string;
  'detail-type': string;
  detail: Record<string, unknown>;
  resources?: string[];
  time?: string;
}

export interface SendEntry {
  Source: string;
  DetailType: string;
  Detail: string;
  Resources?: string[];
  /** Epoch seconds, as the wire carries timestamps. */
  Time?: number;
}

export function readFixtureEvent(path: string): FixtureEvent {
  const parsed = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  const event = (parsed && typeof parsed.event === 'object' ? parsed.event : parsed) as Partial<FixtureEvent> | null;
  if (!event || typeof event.source !== 'string' || typeof event['detail-type'] !== 'string') {
    throw new Error(`${path}: expected an event with "source" and "detail-type" (or {"event": {...}})`);
  }
  if (!event.detail || typeof event.detail !== 'object' || Array.isArray(event.detail)) throw new Error(`${path}: "detail" must be an object`);
  return event as FixtureEvent;
}

export function entryOf(event: FixtureEvent, options: { source?: string; keepTime?: boolean }): SendEntry {
  const entry: SendEntry = { Source: options.source ?? event.source, DetailType: event['detail-type'], Detail: JSON.stringify(event.detail) };
  if (event.resources?.length) entry.Resources = event.resources;
  if (options.keepTime && event.time) entry.Time = Date.parse(event.time) / 1000;
  return entry;
}

export const isPartnerSource = (source: string) => source.startsWith('aws.partner/');
