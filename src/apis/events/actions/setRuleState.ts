import { ManagedRuleException } from '../../../errors.js';
import { getRule } from '../domain/rules.js';
import type { RuleState } from '../../../store/schema.js';
import type { Action } from './types.js';

interface Input {
  Name: string;
  EventBusName?: string;
}

/** EnableRule and DisableRule: the same change with a different target state. */
function setRuleState(state: RuleState): Action {
  return async (ctx, input: Input) => {
    const rule = getRule(ctx.ns, input.Name, input.EventBusName);
    if (rule.managedBy) throw new ManagedRuleException(`Rule ${rule.name} is managed by ${rule.managedBy} and cannot be changed.`);
    if (rule.state !== state) {
      rule.state = state;
      rule.scheduleAnchor = ctx.clock.now();
    }
    ctx.rulesChanged(ctx.ns, rule.eventBusName, rule.name);
    ctx.store.changed(ctx.ns, 'rules', rule.eventBusName, rule.name);
    await ctx.store.persistChanges();
  };
}

export const enableRule = setRuleState('ENABLED');
export const disableRule = setRuleState('DISABLED');
