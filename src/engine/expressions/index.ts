/**
 * ScheduleExpression: parsing as AWS validates it, and the next fire time. Pure: the caller
 * owns the clock and the timers.
 */
import { parseCron } from './cronParse.js';
import { parseRate } from './rate.js';
import type { Schedule } from './types.js';

export type { Schedule, RateSchedule, CronSchedule, DayOfMonthRule, DayOfWeekRule } from './types.js';
export { nextFireTime } from './nextFire.js';

/**
 * Parse and validate a ScheduleExpression. Never throws: undefined means invalid, which the
 * caller answers with ValidationException `Parameter ScheduleExpression is not valid.`
 */
export function parseSchedule(expression: string): Schedule | undefined {
  if (typeof expression !== 'string') return undefined;
  return parseRate(expression) ?? parseCron(expression);
}
