/**
 * equals-ignore-case, as the reference matcher defines it: each UTF-16 unit of
 * the pattern stands for its lower-case or its upper-case form (Locale.ROOT),
 * and the event text must be a sequence of those forms. So `ß` matches `ß` or
 * `SS`, while the Kelvin sign does not match `k` (plain lower-casing of both
 * sides would say it does).
 */
export interface FoldedText {
  /** Per pattern unit, its accepted spellings. */
  readonly alternatives: readonly (readonly string[])[];
  /** Set when every unit is ASCII: then a cheap per-char comparison is exact. */
  readonly ascii: string | undefined;
}

export function foldText(pattern: string): FoldedText {
  const alternatives: string[][] = [];
  let ascii = true;
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch.charCodeAt(0) > 127) ascii = false;
    const lower = ch.toLowerCase();
    const upper = ch.toUpperCase();
    alternatives.push(lower === upper ? [lower] : [lower, upper]);
  }
  return { alternatives, ascii: ascii ? pattern : undefined };
}

export function equalsFolded(value: string, pattern: FoldedText): boolean {
  if (pattern.ascii !== undefined) {
    return value.length === pattern.ascii.length && asciiFoldedAt(value, 0, pattern.ascii);
  }
  return matchFrom(value, 0, pattern.alternatives, 0, true);
}

export function startsWithFolded(value: string, pattern: FoldedText): boolean {
  if (pattern.ascii !== undefined) {
    return value.length >= pattern.ascii.length && asciiFoldedAt(value, 0, pattern.ascii);
  }
  return matchFrom(value, 0, pattern.alternatives, 0, false);
}

export function endsWithFolded(value: string, pattern: FoldedText): boolean {
  if (pattern.ascii !== undefined) {
    const start = value.length - pattern.ascii.length;
    return start >= 0 && asciiFoldedAt(value, start, pattern.ascii);
  }
  return matchBackward(value, value.length, pattern.alternatives, pattern.alternatives.length - 1);
}

function asciiFoldedAt(value: string, offset: number, pattern: string): boolean {
  for (let i = 0; i < pattern.length; i++) {
    const a = value.charCodeAt(offset + i);
    const b = pattern.charCodeAt(i);
    if (a === b) continue;
    if ((a | 32) !== (b | 32)) return false;
    const lower = b | 32;
    if (lower < 97 || lower > 122) return false;
  }
  return true;
}

function matchFrom(value: string, at: number, alts: readonly (readonly string[])[], k: number, whole: boolean): boolean {
  if (k === alts.length) return !whole || at === value.length;
  for (const spelling of alts[k]!) {
    if (value.startsWith(spelling, at) && matchFrom(value, at + spelling.length, alts, k + 1, whole)) return true;
  }
  return false;
}

function matchBackward(value: string, end: number, alts: readonly (readonly string[])[], k: number): boolean {
  if (k < 0) return true;
  for (const spelling of alts[k]!) {
    const start = end - spelling.length;
    if (start >= 0 && value.startsWith(spelling, start) && matchBackward(value, start, alts, k - 1)) return true;
  }
  return false;
}
