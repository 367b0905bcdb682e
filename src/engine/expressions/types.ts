/** A parsed ScheduleExpression. Cron fields are in UTC; days of week are 1 = SUN … 7 = SAT. */
export type Schedule = RateSchedule | CronSchedule;

export interface RateSchedule {
  kind: 'rate';
  everyMs: number;
}

export interface CronSchedule {
  kind: 'cron';
  /** Sorted, distinct values of each plain field. */
  minutes: number[];
  hours: number[];
  months: number[];
  years: number[];
  daysOfMonth: DayOfMonthRule;
  daysOfWeek: DayOfWeekRule;
}

/** `any` is the `?` wildcard: the other day field decides. */
export type DayOfMonthRule =
  | { kind: 'any' }
  | { kind: 'days'; days: number[] }
  | { kind: 'lastDay' }
  | { kind: 'lastWeekday' }
  | { kind: 'nearestWeekday'; day: number };

export type DayOfWeekRule =
  | { kind: 'any' }
  | { kind: 'days'; days: number[] }
  | { kind: 'lastInMonth'; day: number }
  | { kind: 'nthInMonth'; day: number; nth: number };
