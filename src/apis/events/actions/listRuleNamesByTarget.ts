import { paginate } from '../domain/pagination.js';
import { rulesOfBus } from '../domain/rules.js';
import type { Action } from './types.js';

interface Input {
  TargetArn: string;
  EventBusName?: string;
  NextToken?: string;
  Limit?: number;
}

export const listRuleNamesByTarget: Action = (ctx, input: Input) => {
  const { rules } = rulesOfBus(ctx.ns, input.EventBusName);
  const names = Object.values(rules)
    .filter((rule) => rule.targets.some((target) => target.Arn === input.TargetArn))
    .map((rule) => rule.name)
    .sort();
  const page = paginate(names, (name) => name, input.Limit, input.NextToken);
  return { RuleNames: page.items, NextToken: page.nextToken };
};
