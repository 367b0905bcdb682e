import { byName, paginate } from '../domain/pagination.js';
import { ruleToWire, rulesOfBus } from '../domain/rules.js';
import type { Action } from './types.js';

interface Input {
  NamePrefix?: string;
  EventBusName?: string;
  NextToken?: string;
  Limit?: number;
}

export const listRules: Action = (ctx, input: Input) => {
  const { rules } = rulesOfBus(ctx.ns, input.EventBusName);
  const matching = Object.values(rules)
    .filter((rule) => input.NamePrefix === undefined || rule.name.startsWith(input.NamePrefix))
    .sort(byName);
  const page = paginate(matching, (rule) => rule.name, input.Limit, input.NextToken);
  return {
    // List items omit CreatedBy (observed on AWS).
    Rules: page.items.map((rule) => ({ ...ruleToWire(rule), CreatedBy: undefined })),
    NextToken: page.nextToken,
  };
};
