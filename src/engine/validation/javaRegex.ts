/**
 * botocore's `pattern`s are Java regular expressions that AWS applies with
 * `Matcher.matches()`, i.e. to the whole value. This turns one into an anchored
 * JavaScript RegExp with the same meaning for the constructs the model uses.
 */

/** Escapes a JS `u`-mode RegExp accepts as `\c` (anything else must be spelled out). */
const SYNTAX_CHARACTERS = new Set('^$\\.*+?()[]{}|/');
/** Java's `\s` without UNICODE_CHARACTER_CLASS: JS's `\s` also matches Unicode spaces. */
const JAVA_SPACE = ' \\t\\n\\x0B\\f\\r';
/** Java's `.` excludes these line terminators; JS's `.` lets U+0085 through. */
const JAVA_DOT = '[^\\n\\r\\u0085\\u2028\\u2029]';

export function compileJavaPattern(pattern: string): RegExp {
  return new RegExp(`^(?:${translate(pattern)})$`, 'u');
}

function translate(pattern: string): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i]!;
    if (char === '\\') {
      const escaped = translateEscape(pattern, i + 1, inClass);
      out += escaped.text;
      i = escaped.end - 1;
    } else if (inClass) {
      if (char === '[' || (char === '&' && pattern[i + 1] === '&')) {
        throw new Error(`Java character-class union/intersection is not supported: ${pattern}`);
      }
      if (char === ']') inClass = false;
      out += char;
    } else if (char === '[') {
      inClass = true;
      out += char;
      // A leading `]` (or `^]`) is a literal in Java; JS needs it escaped.
      if (pattern[i + 1] === '^') out += pattern[++i];
      if (pattern[i + 1] === ']') {
        out += '\\]';
        i++;
      }
    } else {
      out += char === '.' ? JAVA_DOT : char;
    }
  }
  return out;
}

/** Translates the escape whose letter is at `at`; returns the JS text and the index after it. */
function translateEscape(pattern: string, at: number, inClass: boolean): { text: string; end: number } {
  const letter = pattern[at];
  if (letter === undefined) throw new Error(`Pattern ends with a backslash: ${pattern}`);
  if (letter === 's') return { text: inClass ? JAVA_SPACE : `[${JAVA_SPACE}]`, end: at + 1 };
  if ('QEAzZGhHRXbB'.includes(letter)) {
    throw new Error(`Java escape \\${letter} is not supported: ${pattern}`);
  }
  if (letter === 'p' || letter === 'P') {
    const close = pattern.indexOf('}', at);
    return { text: `\\${pattern.slice(at, close + 1)}`, end: close + 1 };
  }
  if (/[A-Za-z0-9]/.test(letter)) return { text: `\\${letter}`, end: at + 1 };
  if (SYNTAX_CHARACTERS.has(letter) || (inClass && letter === '-')) return { text: `\\${letter}`, end: at + 1 };
  // Java lets any punctuation be escaped (`\_`, `\@`); `u`-mode JS rejects those escapes.
  return { text: `\\u{${letter.codePointAt(0)!.toString(16)}}`, end: at + 1 };
}
