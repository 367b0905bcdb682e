import { ManagedRuleException } from '../../../errors.js';
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
    // AWS's wording (cloud-custodian#10308, terraform-provider-aws#11897).
    throw new ManagedRuleException(`${rule.name} is a managed rule. Set 'force' parameter to true to override.`);
  }
  // An Id the rule does not have is removed trivially: AWS reports per-entry failures only for concurrent changes.
  const remove = new Set(input.Ids);
  rule.targets = rule.targets.filter((target) => !remove.has(target.Id));
  ctx.rulesChanged(ctx.ns, rule.eventBusName, rule.name);
  ctx.store.changed(ctx.ns, 'rules', rule.eventBusName, rule.name);
  await ctx.store.persistChanges();
  return { FailedEntryCount: 0, FailedEntries: [] };
};
