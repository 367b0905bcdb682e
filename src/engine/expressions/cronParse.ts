import { parseDayOfMonth, parseDayOfWeek } from './cronDays.js';
import { HOURS, MINUTES, MONTHS, YEARS, parseField } from './cronFields.js';
import type { CronSchedule } from './types.js';

/**
 * `cron(Minutes Hours Day-of-month Month Day-of-week Year)`: six fields, UTC. Exactly one of
 * the two day fields must be `?` — "You can't specify the Day-of-month and Day-of-week fields
 * in the same cron expression" — so AWS rejects `cron(0 1 * * * *)` (recorded), and a
 * field value out of range such as minute 71 in `cron(71 8 1 * ? *)` (recorded).
 */
const CRON = /^cron\((\S+(?: +\S+){5})\)$/;

export function parseCron(expression: string): CronSchedule | undefined {
  const match = CRON.exec(expression);
  if (!match) return undefined;
  const [minuteText, hourText, domText, monthText, dowText, yearText] = match[1]!.split(/ +/) as [
    string, string, string, string, string, string,
  ];
  const minutes = parseField(minuteText, MINUTES);
  const hours = parseField(hourText, HOURS);
  const daysOfMonth = parseDayOfMonth(domText);
  const months = parseField(monthText, MONTHS);
  const daysOfWeek = parseDayOfWeek(dowText);
  const years = parseField(yearText, YEARS);
  if (!minutes || !hours || !daysOfMonth || !months || !daysOfWeek || !years) return undefined;
  if ((daysOfMonth.kind === 'any') === (daysOfWeek.kind === 'any')) return undefined;
  return { kind: 'cron', minutes, hours, daysOfMonth, months, daysOfWeek, years };
}
