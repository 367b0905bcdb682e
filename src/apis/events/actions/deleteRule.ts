import { ManagedRuleException, ValidationException } from '../../../errors.js';
import { deleteRuleRecord, rulesOfBus } from '../domain/rules.js';
import type { Action } from './types.js';

interface Input {
  Name: string;
  EventBusName?: string;
  Force?: boolean;
}

export const deleteRule: Action = async (ctx, input: Input) => {
  const { bus, rules } = rulesOfBus(ctx.ns, input.EventBusName);
  const rule = rules[input.Name];
  // Deleting a rule that does not exist succeeds (observed on AWS); a missing bus does not.
  if (!rule) return;
  if (rule.managedBy && !input.Force) {
    // AWS's wording (aws-nuke#448, terraform-provider-aws#11897).
    throw new ManagedRuleException(`${rule.name} is a managed rule. Set 'force' parameter to true to override.`);
  }
  if (rule.targets.length > 0) throw new ValidationException("Rule can't be deleted since it has targets.");
  deleteRuleRecord(ctx.ns, rule);
  ctx.rulesChanged(ctx.ns, bus, rule.name);
  // What deleteRuleRecord removes.
  ctx.store.changed(ctx.ns, 'rules', rule.eventBusName, rule.name);
  ctx.store.changed(ctx.ns, 'tags', rule.arn);
  await ctx.store.persistChanges();
};
