import { archiveToWire, getArchive } from '../domain/archives.js';
import type { Action } from './types.js';

export const describeArchive: Action = (ctx, input: { ArchiveName: string }) =>
  archiveToWire(ctx.store.delivery, getArchive(ctx.ns, input.ArchiveName), ctx.clock.now());
