/** Scheduler's persisted records, per (account, region), kept in the namespace beside the events API's. */
import { table, type NamespaceState } from '../../store/schema.js';

export interface ScheduleGroupRecord {
  name: string;
  arn: string;
  creationDate: number;
  lastModificationDate: number;
  /** DeleteScheduleGroup sets DELETING; the runner removes the group and its schedules later (virtual time). */
  state?: 'ACTIVE' | 'DELETING';
  deletingSince?: number;
}

/** A schedule as CreateSchedule/UpdateSchedule gave it (wire names), dates in epoch ms. */
export interface ScheduleRecord {
  name: string;
  groupName: string;
  arn: string;
  creationDate: number;
  lastModificationDate: number;
  spec: Record<string, unknown>;
  startDate?: number;
  endDate?: number;
  /** Earlier versions kept CreateSchedule's token here; tokens now live in SchedulerState.clientTokens. */
  clientToken?: string;
  /** The nominal time of the invocation the runner has armed: on a restart, what was missed since. */
  armedFor?: number;
}

/** A request that carried a ClientToken, and the answer it got (idempotency.ts). */
export interface ClientTokenRecord {
  operation: string;
  request: string;
  response: object;
  at: number;
}

export interface SchedulerState {
  groups: Record<string, ScheduleGroupRecord>;
  /** By group name, then schedule name. */
  schedules: Record<string, Record<string, ScheduleRecord>>;
  /** Tags by schedule group ARN. */
  tags: Record<string, Record<string, string>>;
  /** By ClientToken, oldest first. */
  clientTokens?: Record<string, ClientTokenRecord>;
}

export const defaultGroup = 'default';

export const groupArn = (ns: NamespaceState, name: string) => `arn:aws:scheduler:${ns.region}:${ns.account}:schedule-group/${name}`;
export const scheduleArn = (ns: NamespaceState, group: string, name: string) => `arn:aws:scheduler:${ns.region}:${ns.account}:schedule/${group}/${name}`;

type WithScheduler = NamespaceState & { scheduler?: SchedulerState };

/** The namespace's Scheduler state, created (with the `default` group, which always exists) on first use. */
export function schedulerOf(ns: NamespaceState, now: number): SchedulerState {
  const n = ns as WithScheduler;
  if (!n.scheduler) {
    n.scheduler = { groups: table(), schedules: table(), tags: table() };
    n.scheduler.groups[defaultGroup] = { name: defaultGroup, arn: groupArn(ns, defaultGroup), creationDate: now, lastModificationDate: now };
  }
  return n.scheduler;
}

/** For reads that must not create state (the runner). */
export const findScheduler = (ns: NamespaceState): SchedulerState | undefined => (ns as WithScheduler).scheduler;
