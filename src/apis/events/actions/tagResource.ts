import { applyTags, refuseManagedRule, taggableArn, type WireTag } from '../domain/tags.js';
import type { Action } from './types.js';

export const tagResource: Action = async (ctx, input: { ResourceARN: string; Tags: WireTag[] }) => {
  const arn = taggableArn(ctx.ns, input.ResourceARN);
  refuseManagedRule(ctx.ns, arn);
  applyTags(ctx.ns, arn, input.Tags);
  ctx.store.changed(ctx.ns, 'tags', arn);
  await ctx.store.persistChanges();
};
