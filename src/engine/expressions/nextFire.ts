import { matchingDays } from './cronDays.js';
import type { CronSchedule, Schedule } from './types.js';

const MINUTE_MS = 60_000;

/**
 * The first fire time strictly after `afterMs`, or undefined when there is none.
 * Rate schedules fire at anchor + k·every for k ≥ 1: "A rate expression starts when you
 * create the scheduled event rule" (User Guide), so the anchor itself is not a fire time.
 * Cron schedules fire on whole UTC minutes.
 */
export function nextFireTime(schedule: Schedule, afterMs: number, anchorMs: number): number | undefined {
  if (schedule.kind === 'rate') {
    const periods = Math.max(1, Math.floor((afterMs - anchorMs) / schedule.everyMs) + 1);
    return anchorMs + periods * schedule.everyMs;
  }
  return nextCronTime(schedule, afterMs);
}

/** The calendar position search starts from; a unit bounds the next one only while all larger units equal it. */
interface Cursor {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
}

function nextCronTime(cron: CronSchedule, afterMs: number): number | undefined {
  const start = new Date(Math.floor(afterMs / MINUTE_MS) * MINUTE_MS + MINUTE_MS);
  const from: Cursor = {
    year: start.getUTCFullYear(),
    month: start.getUTCMonth() + 1,
    day: start.getUTCDate(),
    hour: start.getUTCHours(),
    minute: start.getUTCMinutes(),
  };
  for (const year of cron.years) {
    if (year < from.year) continue;
    const found = firstInYear(cron, year, year === from.year ? from : undefined);
    if (found !== undefined) return found;
  }
  return undefined;
}

function firstInYear(cron: CronSchedule, year: number, from: Cursor | undefined): number | undefined {
  for (const month of cron.months) {
    if (from && month < from.month) continue;
    const found = firstInMonth(cron, year, month, from && month === from.month ? from : undefined);
    if (found !== undefined) return found;
  }
  return undefined;
}

function firstInMonth(cron: CronSchedule, year: number, month: number, from: Cursor | undefined): number | undefined {
  for (const day of matchingDays(cron, year, month)) {
    if (from && day < from.day) continue;
    const time = firstTimeOfDay(cron, from && day === from.day ? from : undefined);
    if (time) return Date.UTC(year, month - 1, day, time.hour, time.minute);
  }
  return undefined;
}

function firstTimeOfDay(cron: CronSchedule, from: Cursor | undefined): { hour: number; minute: number } | undefined {
  for (const hour of cron.hours) {
    if (from && hour < from.hour) continue;
    const earliest = from && hour === from.hour ? from.minute : 0;
    const minute = cron.minutes.find((m) => m >= earliest);
    if (minute !== undefined) return { hour, minute };
  }
  return undefined;
}
