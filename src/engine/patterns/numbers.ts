/**
 * Numbers compare by value: a pattern's `300` matches an event's `300.0`,
 * `3.0e2` or `3E2` (AWS user guide, numeric matching). A number is only
 * comparable when a double carries it without loss; otherwise (a 20-digit id,
 * `0.30000000000000001`) it can only match by its exact JSON text.
 */

/** The double a JSON number stands for, or undefined when a double cannot carry it. */
export function comparableValue(text: string): number | undefined {
  const value = Number(text);
  if (!Number.isFinite(value)) return undefined;
  return sameDecimal(text, String(value)) ? value : undefined;
}

/** Do two decimal literals denote the same value? (String comparison of canonical forms.) */
function sameDecimal(a: string, b: string): boolean {
  return canonicalDecimal(a) === canonicalDecimal(b);
}

/** `-1.50e3` -> `-15e2`; zero of any sign and spelling -> `0`. */
export function canonicalDecimal(text: string): string {
  let i = 0;
  let sign = '';
  if (text[0] === '-' || text[0] === '+') {
    sign = text[0] === '-' ? '-' : '';
    i = 1;
  }
  let digits = '';
  let exponent = 0;
  let seenPoint = false;
  for (; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '.') {
      seenPoint = true;
    } else if (ch === 'e' || ch === 'E') {
      exponent += Number(text.slice(i + 1));
      break;
    } else {
      digits += ch;
      if (seenPoint) exponent--;
    }
  }
  const leading = digits.match(/^0*/)![0].length;
  digits = digits.slice(leading);
  if (digits.length === 0) return '0';
  const trailing = digits.match(/0*$/)![0].length;
  digits = digits.slice(0, digits.length - trailing);
  exponent += trailing;
  return `${sign}${digits}e${exponent}`;
}
