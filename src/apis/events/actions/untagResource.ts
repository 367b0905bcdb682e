import { removeTags, refuseManagedRule, taggableArn } from '../domain/tags.js';
import type { Action } from './types.js';

export const untagResource: Action = async (ctx, input: { ResourceARN: string; TagKeys: string[] }) => {
  // Removing a key that is not there succeeds, as on AWS.
  const arn = taggableArn(ctx.ns, input.ResourceARN);
  refuseManagedRule(ctx.ns, arn);
  removeTags(ctx.ns, arn, input.TagKeys);
  ctx.store.changed(ctx.ns, 'tags', arn);
  await ctx.store.persistChanges();
};
