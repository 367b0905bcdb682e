import { ResourceNotFoundException, ValidationException } from '../../../errors.js';
import { table, type ArchivedEvent, type ArchiveRecord, type NamespaceState, type ReplayRecord, type RuleRecord } from '../../../store/schema.js';
import { ruleArn } from './arns.js';
import type { DeliveryRecords } from '../../../store/deliveryRecords.js';

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
 * exclusive", model documentation); two or more are refused, not combined. AWS's wording is not
 * known from any recording: this message is our own (docs/compatibility.md marks it a guess).
 */
export function checkOneFilter(operation: 'ListArchives' | 'ListReplays', input: { NamePrefix?: string; EventSourceArn?: string; State?: string }): void {
  const given = [input.NamePrefix, input.EventSourceArn, input.State].filter((value) => value !== undefined).length;
  if (given > 1) throw new ValidationException(`${operation} takes at most one filter: NamePrefix, EventSourceArn or State.`);
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

/**
 * The archive's managed rule, as AWS makes it (aws-facts.md §8.1, verified against AWS by an
 * AWS-run test suite, 2024-08): `Events-Archive-<archive>` on the source bus, managed by
 * `prod.vhs.events.aws.internal`, created by the account, without Description, RoleArn or
 * schedule; its pattern is the archive's plus `{"replay-name":[{"exists":false}]}` (so replayed
 * events are never archived); its one target, `arn:aws:events:<region>:::`, renders the
 * archive's ARN (with the archive's incarnation), the event and its ingestion time.
 */
export const archiveManagedBy = 'prod.vhs.events.aws.internal';
export const archiveRuleName = (archiveName: string) => `Events-Archive-${archiveName}`;

/** The archive's pattern (already valid) with `replay-name` required absent; every event but replayed ones without a pattern. */
export function archiveRulePattern(archivePattern: string | undefined): string {
  const pattern = archivePattern === undefined ? {} : (JSON.parse(archivePattern) as Record<string, unknown>);
  pattern['replay-name'] = [{ exists: false }];
  return JSON.stringify(pattern);
}

export function newArchiveRule(ns: Pick<NamespaceState, 'account' | 'region'>, archive: ArchiveRecord, now: number): RuleRecord {
  const name = archiveRuleName(archive.name);
  const template = `{"archive-arn": "${archive.arn}:${archive.incarnation}", "event": <aws.events.event.json>, "ingestion-time": <aws.events.event.ingestion-time>}`;
  return {
    name,
    arn: ruleArn(ns.region, ns.account, archive.eventBusName, name),
    eventBusName: archive.eventBusName,
    eventPattern: archiveRulePattern(archive.eventPattern),
    state: 'ENABLED',
    managedBy: archiveManagedBy,
    createdBy: ns.account,
    targets: [{ Id: name, Arn: `arn:aws:events:${ns.region}:::`, InputTransformer: { InputPathsMap: {}, InputTemplate: template } }],
    creationTime: now,
    scheduleAnchor: now,
  };
}

/**
 * What the archive rule's target does with the body it rendered: keep the event in the archive
 * the body names (its ARN and incarnation, so a re-created archive of the same name is another
 * one). A body that names no live archive is dropped, as a target that no longer exists.
 */
export function archiveRenderedInput(records: ArchiveEvents, ns: NamespaceState, body: string, now: number): boolean {
  const rendered = JSON.parse(body) as { 'archive-arn'?: unknown; event?: unknown };
  const named = typeof rendered['archive-arn'] === 'string' ? rendered['archive-arn'] : '';
  const archive = Object.values(ns.archives).find((a) => `${a.arn}:${a.incarnation}` === named);
  if (!archive || archive.state !== 'ENABLED' || rendered.event === null || typeof rendered.event !== 'object') return false;
  const event = rendered.event as Record<string, unknown>;
  retainedEvents(records, archive, now);
  records.appendArchived(archive.arn, { at: now, event, sizeBytes: Buffer.byteLength(JSON.stringify(event)) });
  return true;
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

/**
 * Archives kept in a state file written before archives had their managed rule get one now
 * (and an incarnation), so they go on filling. Returns whether anything changed.
 */
export function addMissingArchiveRules(namespaces: NamespaceState[], now: number, uuid: () => string): boolean {
  let changed = false;
  for (const ns of namespaces) {
    for (const archive of Object.values(ns.archives ?? {})) {
      if (archive.incarnation !== undefined) continue;
      archive.incarnation = uuid();
      const rule = newArchiveRule(ns, archive, now);
      const rules = (ns.rules[archive.eventBusName] ??= table());
      if (!Object.hasOwn(rules, rule.name)) rules[rule.name] = rule;
      changed = true;
    }
  }
  return changed;
}
