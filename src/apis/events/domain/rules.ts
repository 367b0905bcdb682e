import { AccessDeniedException, ResourceNotFoundException } from '../../../errors.js';
import type { NamespaceState, RuleRecord } from '../../../store/schema.js';
import { parseEventBusNameOrArn } from './arns.js';
import { busName, getEventBus } from './eventBuses.js';
import { noEntries } from '../../../store/schema.js';

export const ruleNotFound = (rule: string, bus: string) => new ResourceNotFoundException(`Rule ${rule} does not exist on EventBus ${bus}.`);

/**
 * The rules of an existing bus (named or by ARN; default when omitted). Reading does not
 * create the bus's rule table (a lookup that fails must leave state as it was): a writer
 * adds its rule with `ns.rules[bus] ??= table()` once the request is valid.
 */
export function rulesOfBus(ns: NamespaceState, eventBusName: string | undefined): { bus: string; rules: Readonly<Record<string, RuleRecord>> } {
  checkSameNamespace(ns, eventBusName);
  const bus = getEventBus(ns, eventBusName).name;
  return { bus, rules: ns.rules[bus] ?? noEntries };
}

/**
 * A bus ARN of another account or region names that account's bus, not the caller's bus of
 * the same name. AWS lets PutRule, PutTargets, DeleteRule ... reach it when the bus's resource
 * policy allows the caller (User Guide, eb-event-bus-perms); resource policies are not
 * emulated yet, so the call is refused, as PutEvents refuses such an entry.
 */
function checkSameNamespace(ns: NamespaceState, eventBusName: string | undefined): void {
  if (eventBusName === undefined) return;
  const named = parseEventBusNameOrArn(eventBusName);
  if (named.account === undefined || (named.account === ns.account && named.region === ns.region)) return;
  throw new AccessDeniedException(
    `Not authorized to manage rules on ${eventBusName}: rules on an event bus of another account or region need that bus's resource policy, which eventbridge-local does not emulate yet.`,
  );
}

export function findRule(ns: NamespaceState, bus: string, rule: string): RuleRecord | undefined {
  return ns.rules[bus]?.[rule];
}

/** The rule, or AWS's not-found error (for the bus when the bus is missing, for the rule otherwise). */
export function getRule(ns: NamespaceState, ruleName: string, eventBusName: string | undefined): RuleRecord {
  const { bus, rules } = rulesOfBus(ns, eventBusName);
  const rule = rules[ruleName];
  if (!rule) throw ruleNotFound(ruleName, bus);
  return rule;
}

export function deleteRuleRecord(ns: NamespaceState, rule: RuleRecord): void {
  delete ns.rules[rule.eventBusName]?.[rule.name];
  delete ns.tags[rule.arn];
}

export function ruleToWire(rule: RuleRecord) {
  return {
    Name: rule.name,
    Arn: rule.arn,
    EventPattern: rule.eventPattern,
    ScheduleExpression: rule.scheduleExpression,
    State: rule.state,
    Description: rule.description,
    RoleArn: rule.roleArn,
    ManagedBy: rule.managedBy,
    EventBusName: rule.eventBusName,
    CreatedBy: rule.createdBy,
  };
}

export { busName };
