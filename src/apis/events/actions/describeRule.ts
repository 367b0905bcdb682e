import { getRule, ruleToWire } from '../domain/rules.js';
import type { Action } from './types.js';

export const describeRule: Action = (ctx, input: { Name: string; EventBusName?: string }) =>
  ruleToWire(getRule(ctx.ns, input.Name, input.EventBusName));
