import { taggableArn, tagsToWire } from '../domain/tags.js';
import type { Action } from './types.js';

export const listTagsForResource: Action = (ctx, input: { ResourceARN: string }) => ({
  Tags: tagsToWire(ctx.ns, taggableArn(ctx.ns, input.ResourceARN)),
});
