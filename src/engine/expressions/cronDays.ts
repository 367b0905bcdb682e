import { DAYS_OF_MONTH, DAYS_OF_WEEK, parseField, parseValue } from './cronFields.js';
import type { CronSchedule, DayOfMonthRule, DayOfWeekRule } from './types.js';

/**
 * The two day fields and their special characters (User Guide, cron expressions):
 * Day-of-month `?`, `L` (last day), `W` (`3W` = weekday nearest the 3rd), and `LW` (last
 * weekday, as in Quartz); Day-of-week `?`, `L` (`6L` = last Friday; `L` alone = SAT, the last
 * day of the week) and `#` (`3#2` = second Tuesday; "If you use a '#' character, you can
 * define only one expression in the day-of-week field").
 */
export function parseDayOfMonth(text: string): DayOfMonthRule | undefined {
  if (text === '?') return { kind: 'any' };
  const upper = text.toUpperCase();
  if (upper === 'L') return { kind: 'lastDay' };
  if (upper === 'LW') return { kind: 'lastWeekday' };
  const nearest = /^(\d+)W$/.exec(upper);
  if (nearest) {
    const day = parseValue(nearest[1]!, DAYS_OF_MONTH);
    return day === undefined ? undefined : { kind: 'nearestWeekday', day };
  }
  const days = parseField(text, DAYS_OF_MONTH);
  return days && { kind: 'days', days };
}

export function parseDayOfWeek(text: string): DayOfWeekRule | undefined {
  if (text === '?') return { kind: 'any' };
  const upper = text.toUpperCase();
  if (upper === 'L') return { kind: 'days', days: [7] };
  const last = /^(\w+)L$/.exec(upper);
  if (last) {
    const day = parseValue(last[1]!, DAYS_OF_WEEK);
    return day === undefined ? undefined : { kind: 'lastInMonth', day };
  }
  const nth = /^(\w+)#(\d)$/.exec(upper);
  if (nth) {
    const day = parseValue(nth[1]!, DAYS_OF_WEEK);
    const which = Number(nth[2]);
    return day === undefined || which < 1 || which > 5 ? undefined : { kind: 'nthInMonth', day, nth: which };
  }
  const days = parseField(text, DAYS_OF_WEEK);
  return days && { kind: 'days', days };
}

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** 1 = SUN … 7 = SAT. */
export function dayOfWeek(year: number, month: number, day: number): number {
  return new Date(Date.UTC(year, month - 1, day)).getUTCDay() + 1;
}

/** The days of `month` (1–12) on which the schedule fires, ascending. */
export function matchingDays(cron: CronSchedule, year: number, month: number): number[] {
  const length = daysInMonth(year, month);
  if (cron.daysOfMonth.kind !== 'any') return daysByMonthRule(cron.daysOfMonth, year, month, length);
  return daysByWeekRule(cron.daysOfWeek, year, month, length);
}

function daysByMonthRule(rule: DayOfMonthRule, year: number, month: number, length: number): number[] {
  switch (rule.kind) {
    case 'days':
      return rule.days.filter((day) => day <= length);
    case 'lastDay':
      return [length];
    case 'lastWeekday':
      return [nearestWeekday(year, month, length, length)];
    case 'nearestWeekday':
      return rule.day > length ? [] : [nearestWeekday(year, month, rule.day, length)];
    case 'any':
      return [];
  }
}

/** Quartz's `W`: a Saturday moves to Friday and a Sunday to Monday, never across the month's edge. */
function nearestWeekday(year: number, month: number, day: number, length: number): number {
  const weekday = dayOfWeek(year, month, day);
  if (weekday === 7) return day === 1 ? day + 2 : day - 1;
  if (weekday === 1) return day === length ? day - 2 : day + 1;
  return day;
}

function daysByWeekRule(rule: DayOfWeekRule, year: number, month: number, length: number): number[] {
  const firstWeekday = dayOfWeek(year, month, 1);
  const firstOf = (weekday: number) => 1 + ((weekday - firstWeekday + 7) % 7);
  switch (rule.kind) {
    case 'days':
      return Array.from({ length }, (_, i) => i + 1).filter((day) => rule.days.includes(((firstWeekday - 1 + day - 1) % 7) + 1));
    case 'lastInMonth': {
      const first = firstOf(rule.day);
      return [first + 7 * Math.floor((length - first) / 7)];
    }
    case 'nthInMonth': {
      const day = firstOf(rule.day) + 7 * (rule.nth - 1);
      return day <= length ? [day] : [];
    }
    case 'any':
      return [];
  }
}
