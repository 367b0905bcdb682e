import { ValidationException } from '../../../errors.js';
import { archiveManagedBy, archiveRuleName, archiveRulePattern, getArchive } from '../domain/archives.js';
import { findRule } from '../domain/rules.js';
import { compilePattern } from '../../../engine/patterns/index.js';
import type { Action } from './types.js';

interface Input {
  ArchiveName: string;
  Description?: string;
  EventPattern?: string;
  RetentionDays?: number;
  KmsKeyIdentifier?: string;
}

export const updateArchive: Action = async (ctx, input: Input) => {
  // Checked before the archive's existence (observed).
  if (input.EventPattern === undefined && input.RetentionDays === undefined && input.Description === undefined) {
    throw new ValidationException('At least one of EventPattern, RetentionDays or Description must be provided.');
  }
  const archive = getArchive(ctx.ns, input.ArchiveName);
  if (input.EventPattern !== undefined) compilePattern(input.EventPattern);
  if (input.EventPattern !== undefined) {
    archive.eventPattern = input.EventPattern;
    // The managed rule that fills the archive follows its pattern.
    const rule = findRule(ctx.ns, archive.eventBusName, archiveRuleName(archive.name));
    if (rule?.managedBy === archiveManagedBy) {
      rule.eventPattern = archiveRulePattern(input.EventPattern);
      ctx.rulesChanged(ctx.ns, rule.eventBusName);
    }
  }
  if (input.RetentionDays !== undefined) archive.retentionDays = input.RetentionDays;
  if (input.Description !== undefined) archive.description = input.Description;
  if (input.KmsKeyIdentifier !== undefined) archive.kmsKeyIdentifier = input.KmsKeyIdentifier || undefined;
  ctx.store.changed(ctx.ns, 'archives', archive.name);
  ctx.store.changed(ctx.ns, 'rules', archive.eventBusName, archiveRuleName(archive.name));
  await ctx.store.persistChanges();
  return { ArchiveArn: archive.arn, State: archive.state, CreationTime: archive.creationTime / 1000 };
};
