import type { RateSchedule } from './types.js';

const UNIT_MS = { minute: 60_000, hour: 3_600_000, day: 86_400_000 } as const;

/**
 * `rate(value unit)`: value a positive integer; unit minute | hour | day, singular exactly
 * when value is 1 — "rate(1 hours) and rate(5 hour) aren't valid" (User Guide, rate
 * expressions). One space, no padding: AWS rejects `rate( 10 minutes )` and `rate(10)`
 * (recorded against EventBridge Scheduler, which shares the syntax).
 */
const RATE = /^rate\((\d+) (minute|hour|day)(s?)\)$/;

export function parseRate(expression: string): RateSchedule | undefined {
  const match = RATE.exec(expression);
  if (!match) return undefined;
  const value = Number(match[1]);
  const plural = match[3] === 's';
  if (value < 1 || plural !== value > 1) return undefined;
  const everyMs = value * UNIT_MS[match[2] as keyof typeof UNIT_MS];
  return Number.isSafeInteger(everyMs) ? { kind: 'rate', everyMs } : undefined;
}
