import { LimitExceededException, ManagedRuleException, ValidationException } from '../../../errors.js';
import { limits } from '../../../limits.js';
import { ruleArn } from '../domain/arns.js';
import { defaultBusName } from '../domain/eventBuses.js';
import { rulesOfBus } from '../domain/rules.js';
import { applyTags, type WireTag } from '../domain/tags.js';
import { compilePattern } from '../../../engine/patterns/index.js';
import { parseSchedule } from '../../../engine/expressions/index.js';
import type { RuleRecord, RuleState } from '../../../store/schema.js';
import type { Action } from './types.js';
import { table } from '../../../store/schema.js';

interface Input {
  Name: string;
  ScheduleExpression?: string;
  EventPattern?: string;
  State?: RuleState;
  Description?: string;
  RoleArn?: string;
  Tags?: WireTag[];
  EventBusName?: string;
}

/** Creates a rule, or replaces every field of an existing one (omitted fields are cleared; targets stay). */
export const putRule: Action = async (ctx, input: Input) => {
  const { ns } = ctx;
  const { bus, rules } = rulesOfBus(ns, input.EventBusName);
  if (input.EventPattern === undefined && input.ScheduleExpression === undefined) {
    throw new ValidationException('Parameter(s) EventPattern or ScheduleExpression must be specified.');
  }
  if (input.ScheduleExpression !== undefined) {
    if (bus !== defaultBusName) throw new ValidationException('ScheduleExpression is supported only on the default event bus.');
    if (!parseSchedule(input.ScheduleExpression)) throw new ValidationException('Parameter ScheduleExpression is not valid.');
  }
  if (input.EventPattern !== undefined) compilePattern(input.EventPattern);

  const existing = rules[input.Name];
  if (existing?.managedBy) {
    throw new ManagedRuleException(`Rule ${input.Name} is managed by ${existing.managedBy} and cannot be changed.`);
  }
  if (!existing && Object.keys(rules).length >= limits.rulesPerEventBus) {
    throw new LimitExceededException('The requested resource exceeds the maximum number allowed.');
  }
  const now = ctx.clock.now();
  const state = input.State ?? 'ENABLED';
  const rule: RuleRecord = {
    name: input.Name,
    arn: ruleArn(ns.region, ns.account, bus, input.Name),
    eventBusName: bus,
    eventPattern: input.EventPattern,
    scheduleExpression: input.ScheduleExpression,
    state,
    description: input.Description,
    roleArn: input.RoleArn,
    createdBy: existing?.createdBy ?? ctx.account,
    targets: existing?.targets ?? [],
    creationTime: existing?.creationTime ?? now,
    // A rate() schedule counts from when the rule was created, or from now when its schedule changes.
    scheduleAnchor:
      existing && existing.scheduleExpression === input.ScheduleExpression && existing.state === state ? existing.scheduleAnchor : now,
  };
  // Tags are honoured only when the rule is created.
  if (!existing) applyTags(ns, rule.arn, input.Tags);
  (ns.rules[bus] ??= table())[rule.name] = rule;
  ctx.rulesChanged(ns, bus, rule.name);
  ctx.store.changed(ns, 'rules', bus, rule.name);
  if (!existing && input.Tags?.length) ctx.store.changed(ns, 'tags', rule.arn);
  await ctx.store.persistChanges();
  return { RuleArn: rule.arn };
};
