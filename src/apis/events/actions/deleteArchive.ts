import { archiveManagedBy, archiveRuleName, getArchive } from '../domain/archives.js';
import { deleteRuleRecord, findRule } from '../domain/rules.js';
import type { Action } from './types.js';

export const deleteArchive: Action = async (ctx, input: { ArchiveName: string }) => {
  const archive = getArchive(ctx.ns, input.ArchiveName);
  delete ctx.ns.archives[archive.name];
  ctx.store.delivery.dropArchive(archive.arn);
  // Its managed rule goes with it.
  const rule = findRule(ctx.ns, archive.eventBusName, archiveRuleName(archive.name));
  if (rule?.managedBy === archiveManagedBy) {
    deleteRuleRecord(ctx.ns, rule);
    ctx.rulesChanged(ctx.ns, rule.eventBusName);
  }
  ctx.store.changed(ctx.ns, 'archives', archive.name);
  ctx.store.changed(ctx.ns, 'rules', archive.eventBusName, archiveRuleName(archive.name));
  if (rule?.managedBy === archiveManagedBy) ctx.store.changed(ctx.ns, 'tags', rule.arn);
  await ctx.store.persistChanges();
};
