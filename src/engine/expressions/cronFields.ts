/**
 * The plain cron field grammar shared by every field: a comma list of `*`, `v`, `a-b`, each
 * optionally followed by `/step` (`*` / `a` / `a-b` then step). Values may be names where the
 * field has them (JAN–DEC, SUN–SAT; case-insensitive, as in Quartz whose cron dialect —
 * `?`, `L`, `W`, `#`, 1 = SUN — AWS's follows).
 */
export interface FieldSpec {
  min: number;
  max: number;
  /** Names for min, min+1, … (e.g. SUN = 1). */
  names?: readonly string[];
  /** `/` allowed? The User Guide's wildcard table omits it for Day-of-week. */
  allowStep: boolean;
  /**
   * Ranges may wrap past the end (`20-2` hours = 20…23,0…2: the User Guide's example
   * `0/30 20-2 ? * MON-FRI *` runs "between 10:00 pm … to 2:00 am on the following day").
   */
  allowWrap: boolean;
}

export const MINUTES: FieldSpec = { min: 0, max: 59, allowStep: true, allowWrap: true };
export const HOURS: FieldSpec = { min: 0, max: 23, allowStep: true, allowWrap: true };
export const DAYS_OF_MONTH: FieldSpec = { min: 1, max: 31, allowStep: true, allowWrap: true };
export const MONTHS: FieldSpec = {
  min: 1,
  max: 12,
  names: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'],
  allowStep: true,
  allowWrap: true,
};
export const DAYS_OF_WEEK: FieldSpec = {
  min: 1,
  max: 7,
  names: ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'],
  allowStep: false,
  allowWrap: true,
};
/** Years cannot wrap: there is no year after 2199 to wrap into. */
export const YEARS: FieldSpec = { min: 1970, max: 2199, allowStep: true, allowWrap: false };

/** The sorted distinct values a field selects, or undefined when the field is invalid. */
export function parseField(text: string, spec: FieldSpec): number[] | undefined {
  const values = new Set<number>();
  for (const item of text.split(',')) {
    const selected = parseItem(item, spec);
    if (!selected) return undefined;
    selected.forEach((value) => values.add(value));
  }
  return [...values].sort((a, b) => a - b);
}

function parseItem(item: string, spec: FieldSpec): number[] | undefined {
  const [rangeText, stepText, extra] = item.split('/');
  if (extra !== undefined || rangeText === undefined) return undefined;
  const step = stepText === undefined ? 1 : parseStep(stepText, spec);
  if (step === undefined) return undefined;
  const range = parseRange(rangeText, spec, stepText !== undefined);
  return range && everyNth(range, step);
}

function parseStep(text: string, spec: FieldSpec): number | undefined {
  if (!spec.allowStep || !/^\d+$/.test(text)) return undefined;
  const step = Number(text);
  return step >= 1 && step <= spec.max - spec.min + 1 ? step : undefined;
}

/** The values of `*`, `v` (with a step: `v` to the end), or `a-b` in walking order. */
function parseRange(text: string, spec: FieldSpec, stepped: boolean): number[] | undefined {
  if (text === '*') return span(spec.min, spec.max);
  const bounds = text.split('-');
  if (bounds.length > 2) return undefined;
  const from = parseValue(bounds[0]!, spec);
  const to = bounds.length === 2 ? parseValue(bounds[1]!, spec) : stepped ? spec.max : from;
  if (from === undefined || to === undefined) return undefined;
  if (from <= to) return span(from, to);
  return spec.allowWrap ? [...span(from, spec.max), ...span(spec.min, to)] : undefined;
}

export function parseValue(text: string, spec: FieldSpec): number | undefined {
  const named = spec.names?.indexOf(text.toUpperCase()) ?? -1;
  if (named >= 0) return spec.min + named;
  if (!/^\d+$/.test(text)) return undefined;
  const value = Number(text);
  return value >= spec.min && value <= spec.max ? value : undefined;
}

function span(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

function everyNth(values: number[], step: number): number[] {
  return values.filter((_, index) => index % step === 0);
}
