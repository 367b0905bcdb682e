import { getArchive } from '../domain/archives.js';
import type { Action } from './types.js';

export const deleteArchive: Action = async (ctx, input: { ArchiveName: string }) => {
  const archive = getArchive(ctx.ns, input.ArchiveName);
  delete ctx.ns.archives[archive.name];
  ctx.store.delivery.dropArchive(archive.arn);
  await ctx.store.persist();
};
