import { ResourceNotFoundException, ValidationException } from '../errors.js';
import { compilePattern, matchPattern, type CompiledPattern } from '../patterns/index.js';
import type { ArchivedEvent, ArchiveRecord, NamespaceState, ReplayRecord } from '../store/schema.js';
import type { DeliveryRecords } from '../store/deliveryRecords.js';

/** Where archived events live (the store's delivery records: changes are journaled). */
export type ArchiveEvents = Pick<DeliveryRecords, 'archivedEvents' | 'appendArchived' | 'pruneArchived'>;
import { toEpochSeconds } from './time.js';

const dayMs = 86_400_000;

export const archiveArn = (ns: Pick<NamespaceState, 'account' | 'region'>, name: string) => `arn:aws:events:${ns.region}:${ns.account}:archive/${name}`;
export const replayArn = (ns: Pick<NamespaceState, 'account' | 'region'>, name: string) => `arn:aws:events:${ns.region}:${ns.account}:replay/${name}`;

export const archiveNotFound = (name: string) => new ResourceNotFoundException(`Archive ${name} does not exist.`);
export const replayNotFound = (name: string) => new ResourceNotFoundException(`Replay ${name} does not exist.`);

/**
 * ListArchives and ListReplays take at most one of their filters ("Filter parameters are
 * exclusive", model documentation); two or more are refused, not combined. The wording is
 * moto's (getmoto/moto tests), not seen in an AWS recording.
 */
export function checkOneFilter(operation: 'ListArchives' | 'ListReplays', input: { NamePrefix?: string; EventSourceArn?: string; State?: string }): void {
  const given = [input.NamePrefix, input.EventSourceArn, input.State].filter((value) => value !== undefined).length;
  if (given > 1) throw new ValidationException(`At most one filter is allowed for ${operation}. Use either : State, EventSourceArn, or NamePrefix.`);
}

export function getArchive(ns: NamespaceState, name: string): ArchiveRecord {
  const archive = ns.archives[name];
  if (!archive) throw archiveNotFound(name);
  return archive;
}

export function getReplay(ns: NamespaceState, name: string): ReplayRecord {
  const replay = ns.replays[name];
  if (!replay) throw replayNotFound(name);
  return replay;
}

/** The archive's events still within retention (older ones are dropped now: retention follows the virtual clock). */
export function retainedEvents(records: ArchiveEvents, archive: ArchiveRecord, now: number): ArchivedEvent[] {
  const events = records.archivedEvents[archive.arn] ?? [];
  if (archive.retentionDays > 0) {
    const cutoff = now - archive.retentionDays * dayMs;
    const firstKept = events.findIndex((e) => e.at >= cutoff);
    records.pruneArchived(archive.arn, firstKept < 0 ? events.length : firstKept);
  }
  return events;
}

const compiled = new Map<string, CompiledPattern>();

/** Keep a copy of an event put on the archive's bus when it matches the archive's pattern (all events without one). */
export function archiveIfMatching(records: ArchiveEvents, archive: ArchiveRecord, event: Record<string, unknown>, now: number): void {
  if (archive.state !== 'ENABLED') return;
  if (archive.eventPattern !== undefined) {
    let pattern = compiled.get(archive.eventPattern);
    if (!pattern) compiled.set(archive.eventPattern, (pattern = compilePattern(archive.eventPattern)));
    if (!matchPattern(pattern, event)) return;
  }
  retainedEvents(records, archive, now);
  records.appendArchived(archive.arn, { at: now, event, sizeBytes: Buffer.byteLength(JSON.stringify(event)) });
}

export function archiveStats(records: ArchiveEvents, archive: ArchiveRecord, now: number) {
  const events = retainedEvents(records, archive, now);
  return { EventCount: events.length, SizeBytes: events.reduce((sum, e) => sum + e.sizeBytes, 0) };
}

export function archiveToWire(records: ArchiveEvents, archive: ArchiveRecord, now: number) {
  return {
    ArchiveArn: archive.arn,
    ArchiveName: archive.name,
    EventSourceArn: archive.eventSourceArn,
    Description: archive.description,
    EventPattern: archive.eventPattern,
    State: archive.state,
    KmsKeyIdentifier: archive.kmsKeyIdentifier,
    RetentionDays: archive.retentionDays,
    ...archiveStats(records, archive, now),
    CreationTime: toEpochSeconds(archive.creationTime),
  };
}

export function replayToWire(replay: ReplayRecord) {
  const at = (ms: number | undefined) => (ms === undefined ? undefined : toEpochSeconds(ms));
  return {
    ReplayName: replay.name,
    ReplayArn: replay.arn,
    Description: replay.description,
    State: replay.state,
    StateReason: replay.stateReason,
    EventSourceArn: replay.eventSourceArn,
    Destination: replay.destination,
    EventStartTime: at(replay.eventStartTime),
    EventEndTime: at(replay.eventEndTime),
    EventLastReplayedTime: at(replay.eventLastReplayedTime),
    ReplayStartTime: at(replay.replayStartTime),
    ReplayEndTime: at(replay.replayEndTime),
  };
}
