/**
 * The dashboard's Schedules view: every Scheduler schedule of one account and Region with its
 * group, expression, state, the next time it fires on the virtual clock (from the runner's armed
 * timers; none when DISABLED or finished), and its latest invocations, each one a delivery with
 * its attempts (the same records as the Deliveries view, so the page can link to them).
 */
import type { Store } from '../store/store.js';
import type { DeliveryEngine } from '../engine/delivery/engine.js';
import type { DeliveryHistory } from '../engine/delivery/history.js';
import { findScheduler } from '../apis/scheduler/state.js';
import type { ArmedSchedule } from '../apis/scheduler/runner.js';
import { deliveriesPage } from './dashboardViews.js';

/** Invocations listed per schedule (newest first); the Deliveries view has them all. */
const invocationsPerSchedule = '20';

export type ArmedSchedules = () => ArmedSchedule[];

export function schedulesView(store: Store, engine: DeliveryEngine, history: DeliveryHistory, armed: ArmedSchedules, account = '000000000000', region = 'us-east-1') {
  const ns = store.namespaces().find((n) => n.account === account && n.region === region);
  const state = ns && findScheduler(ns);
  if (!state) return { account, region, schedules: [] };
  const next = new Map(armed().filter((a) => a.account === account && a.region === region).map((a) => [a.arn, a.nextInvocationAt]));
  const schedules = Object.values(state.schedules)
    .flatMap((group) => Object.values(group))
    .sort((a, b) => (a.groupName + '/' + a.name < b.groupName + '/' + b.name ? -1 : 1))
    .map((s) => {
      const at = next.get(s.arn);
      const invocations = deliveriesPage(engine, history, { account, region, ruleArn: s.arn, limit: invocationsPerSchedule });
      return {
        arn: s.arn,
        name: s.name,
        groupName: s.groupName,
        groupState: state.groups[s.groupName]?.state ?? 'ACTIVE',
        scheduleExpression: s.spec.ScheduleExpression,
        scheduleExpressionTimezone: s.spec.ScheduleExpressionTimezone ?? 'UTC',
        state: s.spec.State ?? 'ENABLED',
        targetArn: (s.spec.Target as { Arn: string }).Arn,
        nextInvocationAt: at === undefined ? undefined : new Date(at).toISOString(),
        invocationCount: invocations.total ?? invocations.deliveries.length,
        invocations: invocations.deliveries,
      };
    });
  return { account, region, schedules };
}
