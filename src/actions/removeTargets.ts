import { ManagedRuleException } from '../errors.js';
import { getRule } from '../domain/rules.js';
import type { Action } from './types.js';

interface Input {
  Rule: string;
  EventBusName?: string;
  Ids: string[];
  Force?: boolean;
}

export const removeTargets: Action = async (ctx, input: Input) => {
  const rule = getRule(ctx.ns, input.Rule, input.EventBusName);
  if (rule.managedBy && !input.Force) {
    throw new ManagedRuleException(`Rule ${rule.name} is managed by ${rule.managedBy}; remove its targets with Force.`);
  }
  // An Id the rule does not have is removed trivially: AWS reports per-entry failures only for concurrent changes.
  const remove = new Set(input.Ids);
  rule.targets = rule.targets.filter((target) => !remove.has(target.Id));
  ctx.rulesChanged(ctx.ns, rule.eventBusName);
  await ctx.store.persist();
  return { FailedEntryCount: 0, FailedEntries: [] };
};
