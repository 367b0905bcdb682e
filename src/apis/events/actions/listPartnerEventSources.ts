import { byName, paginate } from '../domain/pagination.js';
import { expireEventSources, partnerSourcesOf } from '../domain/partnerSources.js';
import type { Action } from './types.js';

interface Input {
  /** Required by the model, and shaped `aws.partner/<partner>/...`. */
  NamePrefix: string;
  NextToken?: string;
  Limit?: number;
}

export const listPartnerEventSources: Action = (ctx, input: Input) => {
  expireEventSources(ctx.store, ctx.region, ctx.clock.now());
  const matching = Object.values(partnerSourcesOf(ctx.ns))
    .filter((record) => record.name.startsWith(input.NamePrefix))
    .sort(byName);
  const page = paginate(matching, (record) => record.name, input.Limit, input.NextToken);
  return {
    PartnerEventSources: page.items.map((record) => ({ Arn: record.arn, Name: record.name })),
    NextToken: page.nextToken,
  };
};
