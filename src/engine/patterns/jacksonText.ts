/**
 * Jackson's wording for parse errors and locations, which AWS passes through
 * in InvalidEventPatternException messages.
 */

export const VALID_VALUES = "(JSON String, Number, Array, Object or token 'null', 'true' or 'false')";
const MAX_SNIPPET = 500;

/** `[Source: (String)"<text>"; line: L, column: C]`; the text is cut at 500 characters. */
export function describeLocation(source: string, line: number, column: number): string {
  const shown = source.length > MAX_SNIPPET ? source.slice(0, MAX_SNIPPET) : source;
  // Jackson escapes control characters other than CR/LF in the snippet.
  const escaped = shown.replace(/[\u0000-\u0009\u000B\u000C\u000E-\u001F\u007F-\u009F]/g, (ch) =>
    '\\u' + ch.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0'),
  );
  const truncated = source.length > MAX_SNIPPET ? `[truncated ${source.length - MAX_SNIPPET} chars]` : '';
  return `[Source: (String)"${escaped}"${truncated}; line: ${line}, column: ${column}]`;
}

export const SIMPLE_ESCAPES: Record<number, string> = {
  34: '"',
  92: '\\',
  47: '/',
  98: '\b',
  102: '\f',
  110: '\n',
  114: '\r',
  116: '\t',
};

export function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 65 && c <= 70) return c - 55;
  if (c >= 97 && c <= 102) return c - 87;
  return -1;
}

/** Jackson's `_getCharDesc`. */
export function charDescription(c: number): string {
  if (isIsoControl(c)) return `(CTRL-CHAR, code ${c})`;
  const ch = String.fromCharCode(c);
  if (c > 255) return `'${ch}' (code ${c} / 0x${c.toString(16)})`;
  return `'${ch}' (code ${c})`;
}

function isIsoControl(c: number): boolean {
  return c <= 0x1f || (c >= 0x7f && c <= 0x9f);
}

const IDENTIFIER_START = /[\p{L}\p{Nl}\p{Sc}\p{Pc}]/u;
const IDENTIFIER_PART = /[\p{L}\p{Nl}\p{Nd}\p{Sc}\p{Pc}\p{Mn}\p{Mc}]/u;

/** Java's Character.isJavaIdentifierStart, for one UTF-16 unit. */
export function isJavaIdentifierStart(c: number): boolean {
  return IDENTIFIER_START.test(String.fromCharCode(c));
}

/** Java's Character.isJavaIdentifierPart (including its "ignorable" control characters). */
export function isJavaIdentifierPart(c: number): boolean {
  if ((c >= 0 && c <= 8) || (c >= 0x0e && c <= 0x1b) || (c >= 0x7f && c <= 0x9f)) return true;
  return IDENTIFIER_PART.test(String.fromCharCode(c));
}
