import { applyTags, taggableArn, type WireTag } from '../domain/tags.js';
import type { Action } from './types.js';

export const tagResource: Action = async (ctx, input: { ResourceARN: string; Tags: WireTag[] }) => {
  applyTags(ctx.ns, taggableArn(ctx.ns, input.ResourceARN), input.Tags);
  await ctx.store.persist();
};
