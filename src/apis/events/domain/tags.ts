import { LimitExceededException, ManagedRuleException, ValidationException } from '../../../errors.js';
import { limits } from '../../../limits.js';
import type { NamespaceState } from '../../../store/schema.js';
import { parseArn } from './arns.js';
import { busNotFound, defaultBusName } from './eventBuses.js';
import { findRule, ruleNotFound } from './rules.js';
import { noEntries, table } from '../../../store/schema.js';

export interface WireTag {
  Key: string;
  Value: string;
}

/**
 * The ARN under which a taggable resource keeps its tags, or the AWS error for
 * a resource that does not exist. Event buses and rules are taggable.
 */
export function taggableArn(ns: NamespaceState, arn: string): string {
  const parsed = parseArn(arn);
  if (!parsed || parsed.service !== 'events' || parsed.account !== ns.account || parsed.region !== ns.region) {
    throw new ValidationException(`Invalid ARN: ${arn}`);
  }
  const [type, ...rest] = parsed.resource.split('/');
  if (type === 'event-bus') {
    const name = rest.join('/');
    if (!ns.eventBuses[name]) throw busNotFound(name);
    return arn;
  }
  if (type === 'rule') {
    const [bus, rule] = rest.length === 1 ? [defaultBusName, rest[0]] : [rest.slice(0, -1).join('/'), rest[rest.length - 1]];
    if (!findRule(ns, bus, rule)) throw ruleNotFound(rule, bus);
    return arn;
  }
  throw new ValidationException(`Resource type ${type} does not support tags: ${arn}`);
}

/**
 * TagResource and UntagResource cannot modify a managed rule (API reference, ManagedRuleException).
 * The message is the emulator's: no AWS answer to these calls has been seen.
 */
export function refuseManagedRule(ns: NamespaceState, taggable: string): void {
  const resource = parseArn(taggable)?.resource ?? '';
  if (!resource.startsWith('rule/')) return;
  const rest = resource.slice('rule/'.length).split('/');
  const rule = findRule(ns, rest.length === 1 ? defaultBusName : rest.slice(0, -1).join('/'), rest[rest.length - 1]!);
  if (rule?.managedBy) throw new ManagedRuleException(`Rule ${rule.name} is managed by ${rule.managedBy} and cannot be changed.`);
}


export function applyTags(ns: NamespaceState, arn: string, tags: WireTag[] | undefined): void {
  if (!tags || tags.length === 0) return;
  const current = table(ns.tags[arn]);
  for (const { Key, Value } of tags) current[Key] = Value;
  if (Object.keys(current).length > limits.tagsPerResource) {
    throw new LimitExceededException('The requested resource exceeds the maximum number allowed.');
  }
  ns.tags[arn] = current;
}

export function removeTags(ns: NamespaceState, arn: string, keys: string[]): void {
  const current = ns.tags[arn];
  if (!current) return;
  for (const key of keys) delete current[key];
  if (Object.keys(current).length === 0) delete ns.tags[arn];
}

export function tagsToWire(ns: NamespaceState, arn: string): WireTag[] {
  return Object.entries(ns.tags[arn] ?? noEntries).map(([Key, Value]) => ({ Key, Value }));
}
