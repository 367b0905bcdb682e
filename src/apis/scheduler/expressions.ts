/**
 * Scheduler's ScheduleExpression: `at(yyyy-mm-ddThh:mm:ss)`, `rate(n unit)`, `cron(six fields)`,
 * evaluated in ScheduleExpressionTimezone. Rate and cron parsing are the shared ones in
 * src/engine/expressions/ (the Scheduler cron dialect is the same six fields). Time zones use the
 * runtime's Intl data (Node ships full ICU), so no zone database is added.
 * Pure: the caller owns the clock.
 */
import { nextFireTime, parseSchedule, type Schedule } from '../../engine/expressions/index.js';

export type SchedulerExpression = { kind: 'at'; wallMs: number } | Schedule;

const AT = /^at\((\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\)$/;

export function parseExpression(expression: string): SchedulerExpression | undefined {
  const at = AT.exec(expression);
  if (at) {
    const [y, mo, d, h, mi, s] = at.slice(1).map(Number);
    const wallMs = Date.UTC(y, mo - 1, d, h, mi, s);
    const check = new Date(wallMs);
    // Date.UTC rolls 2026-02-30 over to March: such a date is not valid.
    if (check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) return undefined;
    return { kind: 'at', wallMs };
  }
  return parseSchedule(expression);
}

export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The wall-clock time in `zone` at instant `ms`, as if that wall time were UTC. */
export function wallTime(ms: number, zone: string): number {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    formatters.set(zone, f);
  }
  const p: Record<string, number> = Object.create(null);
  for (const part of f.formatToParts(new Date(ms))) if (part.type !== 'literal') p[part.type] = Number(part.value);
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) + (ms % 1000 + 1000) % 1000;
}

/**
 * The instant whose wall time in `zone` is `wallMs`. In a daylight-saving gap (a wall time that
 * does not exist) this gives the instant shifted by the gap; in an overlap, the earlier offset's.
 * (How AWS resolves gap and overlap is not verified here: see docs/compatibility.md.)
 */
export function instantOf(wallMs: number, zone: string): number {
  let guess = wallMs - (wallTime(wallMs, zone) - wallMs);
  for (let i = 0; i < 2; i++) guess = wallMs - (wallTime(guess, zone) - guess);
  return guess;
}

/** The first fire time strictly after `afterMs` (an instant), or undefined when there is none. */
export function nextInvocation(expr: SchedulerExpression, zone: string, afterMs: number, anchorMs: number): number | undefined {
  if (expr.kind === 'at') {
    const at = instantOf(expr.wallMs, zone);
    return at > afterMs ? at : undefined;
  }
  // "Use the StartDate property to set the first occurrence of the schedule. If you don't provide
  // a StartDate for a rate-based schedule, your schedule starts invoking the target immediately."
  // (Scheduler User Guide, schedule types): the anchor itself is an invocation. A rate is a fixed
  // duration whatever the zone ("days represents a 24-hour duration"; DST does not move it).
  if (expr.kind === 'rate') return afterMs < anchorMs ? anchorMs : nextFireTime(expr, afterMs, anchorMs);
  // Cron fields are wall-clock fields in the zone: search in wall time, map back to an instant.
  // Daylight saving (User Guide): "When the time shifts forward in Spring, your schedule invocation
  // gets skipped if the cron expression falls on a non-existent date and time. When the time shifts
  // back in the Fall, your schedule runs only once": a wall time in the gap is skipped, and the
  // search goes on from the wall time last fired, so a repeated wall hour is not fired again.
  let fromWall = wallTime(afterMs, zone);
  for (let guard = 0; guard < 16; guard++) {
    const wall = nextFireTime(expr, fromWall, 0);
    if (wall === undefined) return undefined;
    const at = instantOf(wall, zone);
    if (at > afterMs && wallTime(at, zone) === wall) return at;
    fromWall = wall;
  }
  return undefined;
}
