import type { RuleContext } from './types.js';

/**
 * Variables every InputTemplate may use without an InputPathsMap entry
 * (User Guide, eb-transform-target-input, "Predefined variables"). Their names contain dots,
 * which the InputPathsMap key pattern `[A-Za-z0-9_-]+` forbids, so a user variable can never
 * shadow one — that is how "these variables are reserved" is enforced.
 */
export const PREDEFINED_VARIABLES = [
  'aws.events.rule-arn',
  'aws.events.rule-name',
  'aws.events.event.ingestion-time',
  'aws.events.event',
  'aws.events.event.json',
] as const;

export function isPredefinedVariable(name: string): boolean {
  return (PREDEFINED_VARIABLES as readonly string[]).includes(name);
}

/** The value of each predefined variable for one event delivered by one rule. */
export function predefinedValues(event: object, ctx: RuleContext): Map<string, unknown> {
  return new Map<string, unknown>([
    ['aws.events.rule-arn', ctx.ruleArn],
    ['aws.events.rule-name', ctx.ruleName],
    ['aws.events.event.ingestion-time', ctx.ingestionTime],
    ['aws.events.event', eventWithoutDetail(event as Record<string, unknown>, ctx)],
    ['aws.events.event.json', event],
  ]);
}

/**
 * `<aws.events.event>` is not a copy of the envelope: recorded on AWS (2024-06) it has no
 * `detail`, spells `detail-type` as `detailType`, carries the ingestion time as `time`, and
 * lists its keys in this order.
 */
function eventWithoutDetail(event: Record<string, unknown>, ctx: RuleContext): Record<string, unknown> {
  return {
    id: event['id'],
    account: event['account'],
    detailType: event['detail-type'],
    time: ctx.ingestionTime,
    source: event['source'],
    region: event['region'],
    resources: event['resources'],
    version: event['version'],
  };
}
