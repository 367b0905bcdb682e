import { getRule } from '../domain/rules.js';
import { paginate } from '../domain/pagination.js';
import type { Action } from './types.js';

interface Input {
  Rule: string;
  EventBusName?: string;
  NextToken?: string;
  Limit?: number;
}

export const listTargetsByRule: Action = (ctx, input: Input) => {
  const rule = getRule(ctx.ns, input.Rule, input.EventBusName);
  // Targets come back as they were put, in the order they were first added.
  const keyed = rule.targets.map((target, index) => ({ target, key: String(index).padStart(4, '0') }));
  const page = paginate(keyed, (entry) => entry.key, input.Limit, input.NextToken);
  return { Targets: page.items.map((entry) => entry.target), NextToken: page.nextToken };
};
