import { ResourceAlreadyExistsException } from '../../../errors.js';
import { archiveArn, newArchiveRule } from '../domain/archives.js';
import { getEventBus } from '../domain/eventBuses.js';
import { compilePattern } from '../../../engine/patterns/index.js';
import { table, type ArchiveRecord } from '../../../store/schema.js';
import type { Action } from './types.js';

interface Input {
  ArchiveName: string;
  EventSourceArn: string;
  Description?: string;
  EventPattern?: string;
  RetentionDays?: number;
  KmsKeyIdentifier?: string;
}

export const createArchive: Action = async (ctx, input: Input) => {
  const { ns } = ctx;
  const bus = getEventBus(ns, input.EventSourceArn);
  if (input.EventPattern !== undefined) compilePattern(input.EventPattern);
  if (ns.archives[input.ArchiveName]) throw new ResourceAlreadyExistsException(`Archive ${input.ArchiveName} already exists.`);
  const now = ctx.clock.now();
  const archive: ArchiveRecord = {
    name: input.ArchiveName,
    arn: archiveArn(ns, input.ArchiveName),
    eventSourceArn: bus.arn,
    eventBusName: bus.name,
    description: input.Description,
    eventPattern: input.EventPattern,
    kmsKeyIdentifier: input.KmsKeyIdentifier,
    retentionDays: input.RetentionDays ?? 0,
    state: 'ENABLED',
    creationTime: now,
    incarnation: ctx.ids.uuid(),
  };
  ns.archives[archive.name] = archive;
  // The archive is filled through its managed rule on the source bus, as on AWS (see domain/archives.ts).
  const rule = newArchiveRule(ns, archive, now);
  (ns.rules[bus.name] ??= table())[rule.name] = rule;
  ctx.rulesChanged(ns, bus.name);
  ctx.store.changed(ns, 'archives', archive.name);
  ctx.store.changed(ns, 'rules', bus.name, rule.name);
  await ctx.store.persistChanges();
  return { ArchiveArn: archive.arn, State: archive.state, CreationTime: archive.creationTime / 1000 };
};
