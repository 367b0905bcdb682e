/**
 * The 12 Scheduler operations over the namespace's Scheduler state. Input arrives validated
 * against the generated shapes (restJson.ts); these check what the shapes cannot.
 */
import { conflict, notFound, validation } from './errors.js';
import { withClientToken } from './idempotency.js';
import { checkUniversalTarget } from './universalTarget.js';
import { table, type NamespaceState } from '../../store/schema.js';
import { isTimeZone, parseExpression } from './expressions.js';
import { defaultGroup, groupArn, scheduleArn, schedulerOf, type ScheduleGroupRecord, type ScheduleRecord, type SchedulerState } from './state.js';
import type { SchedulerOperation } from './model.generated.js';

export interface SchedulerContext {
  ns: NamespaceState;
  now: number;
  /** Called after any change to schedules, so the runner re-arms (only `schedule`'s timer when it names one). */
  changed: (ns: NamespaceState, asOf: number, schedule?: { groupName: string; name: string }) => void;
  /** Names a record of the namespace's Scheduler state that changed (`'schedules', group, name`), for the store's journal. */
  saved: (...path: string[]) => void;
}

type Input = Record<string, unknown>;
type Operation = (ctx: SchedulerContext, input: Input) => object;

export { validation };

const seconds = (ms: number | undefined) => (ms === undefined ? undefined : ms / 1000);

function group(state: SchedulerState, name: string): ScheduleGroupRecord {
  const g = state.groups[name];
  if (!g) throw notFound(`Schedule group ${name} does not exist.`);
  return g;
}

/**
 * A group a change may touch: one being deleted (DELETING) takes no new or changed schedules.
 * AWS's answer here is not documented or recorded; ConflictException (409) is the model's
 * error for a resource in a state that forbids the call.
 */
function activeGroup(state: SchedulerState, name: string): ScheduleGroupRecord {
  const g = group(state, name);
  if (g.state === 'DELETING') throw conflict(`Schedule group ${name} is being deleted.`);
  return g;
}

function schedule(state: SchedulerState, groupName: string, name: string): ScheduleRecord {
  const s = state.schedules[groupName]?.[name];
  if (!s) throw notFound(`Schedule ${name} does not exist.`);
  return s;
}

/** Pages over names in order; the token is the last name returned (opaque to the caller). */
function page<T extends { name: string }>(items: T[], input: Input): { items: T[]; next?: string } {
  const sorted = items.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  let start = 0;
  if (typeof input.NextToken === 'string') {
    let after: string;
    try {
      after = Buffer.from(input.NextToken, 'base64url').toString('utf8');
    } catch {
      throw validation('Invalid NextToken.');
    }
    start = sorted.findIndex((i) => i.name > after);
    if (start < 0) start = sorted.length;
  }
  const max = typeof input.MaxResults === 'number' ? input.MaxResults : 100;
  const slice = sorted.slice(start, start + max);
  const more = start + max < sorted.length;
  return { items: slice, next: more ? Buffer.from(slice[slice.length - 1].name, 'utf8').toString('base64url') : undefined };
}

function toMs(value: unknown): number | undefined {
  return typeof value === 'number' ? Math.round(value * 1000) : undefined;
}

/** What the shapes cannot say about a schedule: the expression, its zone, the dates, the window. */
function checkSchedule(input: Input, now: number): { startDate?: number; endDate?: number } {
  const expression = String(input.ScheduleExpression);
  const parsed = parseExpression(expression);
  if (!parsed) throw validation(`Invalid Schedule Expression ${expression}.`);
  const zone = input.ScheduleExpressionTimezone;
  if (typeof zone === 'string' && !isTimeZone(zone)) throw validation(`Invalid time zone ${zone}.`);
  const window = input.FlexibleTimeWindow as { Mode?: string; MaximumWindowInMinutes?: number };
  if (window.Mode === 'FLEXIBLE' && window.MaximumWindowInMinutes === undefined) throw validation('MaximumWindowInMinutes is required when Mode is FLEXIBLE.');
  if (window.Mode === 'OFF' && window.MaximumWindowInMinutes !== undefined) throw validation('MaximumWindowInMinutes must not be set when Mode is OFF.');
  const startDate = toMs(input.StartDate);
  const endDate = toMs(input.EndDate);
  if (startDate !== undefined && endDate !== undefined && endDate <= startDate) throw validation('The EndDate must be after the StartDate.');
  if (endDate !== undefined && endDate <= now) throw validation('The EndDate must be in the future.');
  const target = input.Target as { Arn: string; Input?: unknown };
  checkUniversalTarget(target.Arn, target.Input);
  return { startDate, endDate };
}

const specKeys = ['ActionAfterCompletion', 'Description', 'FlexibleTimeWindow', 'KmsKeyArn', 'ScheduleExpression', 'ScheduleExpressionTimezone', 'State', 'Target'] as const;

function specOf(input: Input): Record<string, unknown> {
  const spec: Record<string, unknown> = table();
  for (const key of specKeys) if (input[key] !== undefined) spec[key] = input[key];
  return spec;
}

function tagsOf(list: unknown): Record<string, string> {
  const tags = table<string>();
  for (const t of (list as Array<{ Key: string; Value: string }>) ?? []) tags[t.Key] = t.Value;
  return tags;
}

/** Only schedule groups carry tags: the ARN must name one that exists. */
function taggedGroup(ctx: SchedulerContext, state: SchedulerState, arn: string): ScheduleGroupRecord {
  const prefix = groupArn(ctx.ns, '');
  if (!arn.startsWith(prefix)) throw notFound(`Schedule group with ARN ${arn} does not exist.`);
  const g = state.groups[arn.slice(prefix.length)];
  if (!g) throw notFound(`Schedule group with ARN ${arn} does not exist.`);
  return g;
}

export const schedulerOperations: Record<SchedulerOperation, Operation> = {
  CreateScheduleGroup(ctx, input) {
    const state = schedulerOf(ctx.ns, ctx.now);
    const name = String(input.Name);
    if (state.groups[name]) throw conflict(`Schedule group ${name} already exists.`);
    // A group name is taken while a group of that name is DELETING (above).
    const g: ScheduleGroupRecord = { name, arn: groupArn(ctx.ns, name), creationDate: ctx.now, lastModificationDate: ctx.now };
    state.groups[name] = g;
    state.tags[g.arn] = tagsOf(input.Tags);
    ctx.saved('groups', name);
    ctx.saved('tags', g.arn);
    return { ScheduleGroupArn: g.arn };
  },
  GetScheduleGroup(ctx, input) {
    const g = group(schedulerOf(ctx.ns, ctx.now), String(input.Name));
    return groupSummary(g);
  },
  DeleteScheduleGroup(ctx, input) {
    const state = schedulerOf(ctx.ns, ctx.now);
    const name = String(input.Name);
    if (name === defaultGroup) throw validation('The default schedule group cannot be deleted.');
    const g = activeGroup(state, name);
    // The group stays DELETING until the runner has removed it and its schedules (API Reference,
    // DeleteScheduleGroup); its schedules may go on firing meanwhile, as AWS says they might.
    state.groups[name] = { ...g, state: 'DELETING', deletingSince: ctx.now, lastModificationDate: ctx.now };
    ctx.saved('groups', name);
    ctx.changed(ctx.ns, ctx.now);
    return {};
  },
  ListScheduleGroups(ctx, input) {
    const state = schedulerOf(ctx.ns, ctx.now);
    const prefix = typeof input.NamePrefix === 'string' ? input.NamePrefix : '';
    const { items, next } = page(Object.values(state.groups).filter((g) => g.name.startsWith(prefix)), input);
    return { ScheduleGroups: items.map(groupSummary), ...(next ? { NextToken: next } : {}) };
  },
  CreateSchedule(ctx, input) {
    const state = schedulerOf(ctx.ns, ctx.now);
    const name = String(input.Name);
    const groupName = typeof input.GroupName === 'string' ? input.GroupName : defaultGroup;
    activeGroup(state, groupName);
    if (state.schedules[groupName]?.[name]) throw conflict(`Schedule ${name} already exists.`);
    const dates = checkSchedule(input, ctx.now);
    const record: ScheduleRecord = { name, groupName, arn: scheduleArn(ctx.ns, groupName, name), creationDate: ctx.now, lastModificationDate: ctx.now, spec: specOf(input), ...dates };
    (state.schedules[groupName] ??= table())[name] = record;
    ctx.saved('schedules', groupName, name);
    ctx.changed(ctx.ns, ctx.now, record);
    return { ScheduleArn: record.arn };
  },
  UpdateSchedule(ctx, input) {
    const state = schedulerOf(ctx.ns, ctx.now);
    const groupName = typeof input.GroupName === 'string' ? input.GroupName : defaultGroup;
    activeGroup(state, groupName);
    const record = schedule(state, groupName, String(input.Name));
    const dates = checkSchedule(input, ctx.now);
    // UpdateSchedule replaces every field: what the request leaves out is reset (API Reference).
    const updated: ScheduleRecord = { ...record, spec: specOf(input), lastModificationDate: ctx.now, startDate: dates.startDate, endDate: dates.endDate };
    state.schedules[groupName][record.name] = updated;
    ctx.saved('schedules', groupName, record.name);
    ctx.changed(ctx.ns, ctx.now, updated);
    return { ScheduleArn: record.arn };
  },
  GetSchedule(ctx, input) {
    const state = schedulerOf(ctx.ns, ctx.now);
    const groupName = typeof input.GroupName === 'string' ? input.GroupName : defaultGroup;
    group(state, groupName);
    const s = schedule(state, groupName, String(input.Name));
    return {
      Arn: s.arn,
      CreationDate: seconds(s.creationDate),
      LastModificationDate: seconds(s.lastModificationDate),
      GroupName: s.groupName,
      Name: s.name,
      ...s.spec,
      State: s.spec.State ?? 'ENABLED',
      ActionAfterCompletion: s.spec.ActionAfterCompletion ?? 'NONE',
      ...(s.startDate !== undefined ? { StartDate: seconds(s.startDate) } : {}),
      ...(s.endDate !== undefined ? { EndDate: seconds(s.endDate) } : {}),
    };
  },
  DeleteSchedule(ctx, input) {
    const state = schedulerOf(ctx.ns, ctx.now);
    const groupName = typeof input.GroupName === 'string' ? input.GroupName : defaultGroup;
    activeGroup(state, groupName);
    const s = schedule(state, groupName, String(input.Name));
    delete state.schedules[groupName][s.name];
    ctx.saved('schedules', groupName, s.name);
    ctx.changed(ctx.ns, ctx.now, s);
    return {};
  },
  ListSchedules(ctx, input) {
    const state = schedulerOf(ctx.ns, ctx.now);
    const prefix = typeof input.NamePrefix === 'string' ? input.NamePrefix : '';
    const groups = typeof input.GroupName === 'string' ? [input.GroupName] : Object.keys(state.groups);
    if (typeof input.GroupName === 'string') group(state, input.GroupName);
    const all: ScheduleRecord[] = [];
    for (const g of groups) for (const s of Object.values(state.schedules[g] ?? {})) {
      if (!s.name.startsWith(prefix)) continue;
      if (typeof input.State === 'string' && (s.spec.State ?? 'ENABLED') !== input.State) continue;
      all.push(s);
    }
    // Names repeat across groups: page by "group/name".
    const keyed = all.map((s) => ({ name: `${s.groupName}/${s.name}`, s }));
    const { items, next } = page(keyed, input);
    return {
      Schedules: items.map(({ s }) => ({
        Arn: s.arn,
        CreationDate: seconds(s.creationDate),
        GroupName: s.groupName,
        LastModificationDate: seconds(s.lastModificationDate),
        Name: s.name,
        State: s.spec.State ?? 'ENABLED',
        Target: { Arn: (s.spec.Target as { Arn: string }).Arn },
      })),
      ...(next ? { NextToken: next } : {}),
    };
  },
  TagResource(ctx, input) {
    const state = schedulerOf(ctx.ns, ctx.now);
    const g = taggedGroup(ctx, state, String(input.ResourceArn));
    const merged = Object.assign(table<string>(), state.tags[g.arn], tagsOf(input.Tags));
    if (Object.keys(merged).length > 200) throw validation('A resource can have at most 200 tags.');
    state.tags[g.arn] = merged;
    ctx.saved('tags', g.arn);
    return {};
  },
  UntagResource(ctx, input) {
    const state = schedulerOf(ctx.ns, ctx.now);
    const g = taggedGroup(ctx, state, String(input.ResourceArn));
    for (const key of input.TagKeys as string[]) delete state.tags[g.arn]?.[key];
    ctx.saved('tags', g.arn);
    return {};
  },
  ListTagsForResource(ctx, input) {
    const state = schedulerOf(ctx.ns, ctx.now);
    const g = taggedGroup(ctx, state, String(input.ResourceArn));
    return { Tags: Object.entries(state.tags[g.arn] ?? {}).map(([Key, Value]) => ({ Key, Value })) };
  },
};

function groupSummary(g: ScheduleGroupRecord) {
  return { Arn: g.arn, CreationDate: seconds(g.creationDate), LastModificationDate: seconds(g.lastModificationDate), Name: g.name, State: g.state ?? 'ACTIVE' };
}

// The operations whose ClientToken the model marks idempotencyToken.
for (const name of ['CreateSchedule', 'UpdateSchedule', 'DeleteSchedule', 'CreateScheduleGroup', 'DeleteScheduleGroup'] as const) {
  schedulerOperations[name] = withClientToken(name, schedulerOperations[name]);
}
