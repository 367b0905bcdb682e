import { removeTags, taggableArn } from '../domain/tags.js';
import type { Action } from './types.js';

export const untagResource: Action = async (ctx, input: { ResourceARN: string; TagKeys: string[] }) => {
  // Removing a key that is not there succeeds, as on AWS.
  removeTags(ctx.ns, taggableArn(ctx.ns, input.ResourceARN), input.TagKeys);
  await ctx.store.persist();
};
