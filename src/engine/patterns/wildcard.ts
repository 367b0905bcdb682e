/**
 * `{"wildcard": "..."}`: `*` matches any run of characters; `\*` and `\\` are
 * the only escapes. The reference matcher works on the JSON form of the value
 * (with its quotes) as UTF-8 bytes, so error positions count bytes and include
 * the opening quote: `"a**"` fails with "Consecutive wildcard characters at pos 2".
 */

export const WILDCARD_STAR = -1;

/** The pattern as tokens over UTF-8 bytes of `"value"`: a byte, or WILDCARD_STAR. */
export function wildcardTokens(value: string): number[] {
  const bytes = Buffer.from(`"${value}"`, 'utf8');
  const tokens: number[] = [];
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b === 42 /* * */) {
      if (bytes[i + 1] === 42) throw new Error(`Consecutive wildcard characters at pos ${i}`);
      tokens.push(WILDCARD_STAR);
    } else if (b === 92 /* \ */) {
      const next = bytes[i + 1];
      if (next !== 42 && next !== 92) throw new Error(`Invalid escape character at pos ${i}`);
      tokens.push(next);
      i++;
    } else {
      tokens.push(b);
    }
  }
  return tokens;
}

/** A compiled wildcard: literal segments of `"value"` between unescaped stars. */
export interface WildcardPattern {
  readonly segments: readonly string[];
  /** The segments without the first one's opening quote and the last one's closing quote: they match the unquoted value. */
  readonly inner: readonly string[];
}

export function compileWildcard(value: string): WildcardPattern {
  wildcardTokens(value); // validates
  const segments: string[] = [];
  let current = '"';
  for (let i = 0; i < value.length; i++) {
    const ch = value[i]!;
    if (ch === '\\') {
      current += value[++i];
    } else if (ch === '*') {
      segments.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  segments.push(current + '"');
  const inner = [...segments];
  inner[0] = inner[0]!.slice(1);
  inner[inner.length - 1] = inner[inner.length - 1]!.slice(0, -1);
  return { segments, inner };
}

/**
 * Does the event string (unquoted) match? Matching is defined on the quoted
 * form, as AWS's is; the quotes can only meet the first segment's opening
 * quote and the last one's closing quote (a star never spans them: the first
 * segment is anchored at the text's start and the last at its end), so the
 * unquoted value is matched against `inner` without building `"value"`.
 */
export function wildcardMatches(pattern: WildcardPattern, value: string): boolean {
  return segmentsMatch(pattern.inner, value);
}

/** The definition on the quoted form, kept for the property test that checks wildcardMatches against it. */
export function wildcardMatchesQuoted(pattern: WildcardPattern, value: string): boolean {
  return segmentsMatch(pattern.segments, `"${value}"`);
}

/** The first segment anchored at the start, the last at the end, the others in order between them. */
function segmentsMatch(segs: readonly string[], text: string): boolean {
  const first = segs[0]!;
  if (segs.length === 1) return text === first;
  const last = segs[segs.length - 1]!;
  if (text.length < first.length + last.length) return false;
  if (!text.startsWith(first) || !text.endsWith(last)) return false;
  let at = first.length;
  const end = text.length - last.length;
  for (let i = 1; i < segs.length - 1; i++) {
    const found = text.indexOf(segs[i]!, at);
    if (found < 0 || found + segs[i]!.length > end) return false;
    at = found + segs[i]!.length;
  }
  return true;
}
