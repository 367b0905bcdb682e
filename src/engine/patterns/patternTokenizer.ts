/**
 * A streaming JSON tokenizer that reports positions and syntax errors the way
 * AWS's pattern compiler does. AWS parses EventPattern with Jackson's streaming
 * parser, and its error text carries Jackson's location suffix, e.g.
 *   `Empty arrays are not allowed\n at [Source: (String)"{"a": []}"; line: 1, column: 9]`
 * (recorded against real AWS in LocalStack's test snapshots, 2024-12).
 *
 * Positions follow Jackson's reading model, because AWS reports them:
 * - a string value is read lazily: right after the token is returned the
 *   position is just past its opening quote; reading its text moves it past the
 *   closing quote (`{"prefix": ["x"]}` fails at column 23, after the `[`);
 * - after a field name the value's first token is already scanned (numbers and
 *   literals completely), so an error raised "at the name" points past the value;
 * - "Unexpected character" errors point at the offending character itself.
 */

export type Token =
  | 'START_OBJECT'
  | 'END_OBJECT'
  | 'START_ARRAY'
  | 'END_ARRAY'
  | 'FIELD_NAME'
  | 'VALUE_STRING'
  | 'VALUE_NUMBER_INT'
  | 'VALUE_NUMBER_FLOAT'
  | 'VALUE_TRUE'
  | 'VALUE_FALSE'
  | 'VALUE_NULL';

const TOKEN_TEXT: Partial<Record<Token, string>> = {
  START_OBJECT: '{',
  END_OBJECT: '}',
  START_ARRAY: '[',
  END_ARRAY: ']',
  VALUE_TRUE: 'true',
  VALUE_FALSE: 'false',
  VALUE_NULL: 'null',
};

import {
  SIMPLE_ESCAPES,
  VALID_VALUES,
  charDescription,
  describeLocation,
  hexValue,
  isJavaIdentifierPart,
  isJavaIdentifierStart,
} from './jacksonText.js';

/** A pattern rejected by the compiler; `reason` is the text after "Reason: ". */
export class PatternSyntaxError extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

interface Context {
  kind: 'root' | 'Array' | 'Object';
  entries: number;
  startLine: number;
  startColumn: number;
}

const MAX_TOKEN_IN_ERROR = 256;
const QUOTE = 34;

export class PatternTokenizer {
  private pos = 0;
  private line = 1;
  private lineStart = 0;
  private token: Token | null = null;
  private pendingValue: Token | null = null;
  private stringIncomplete = false;
  private text = '';
  private name = '';
  private stack: Context[] = [{ kind: 'root', entries: -1, startLine: 1, startColumn: 0 }];
  private valueLine = 1;
  private valueColumn = 0;

  constructor(private readonly source: string) {}

  get currentToken(): Token | null {
    return this.token;
  }

  get currentName(): string {
    return this.name;
  }

  /** The current token's text; completes a lazily read string first. */
  getText(): string {
    if (this.token === 'VALUE_STRING') {
      if (this.stringIncomplete) {
        this.text = this.readString('string value');
        this.stringIncomplete = false;
      }
      return this.text;
    }
    if (this.token === 'FIELD_NAME') return this.name;
    if (this.token === 'VALUE_NUMBER_INT' || this.token === 'VALUE_NUMBER_FLOAT') return this.text;
    return this.token === null ? '' : (TOKEN_TEXT[this.token] ?? '');
  }

  /** Throws a compiler error located at the current position, as AWS's compiler does. */
  fail(message: string): never {
    throw new PatternSyntaxError(message + this.locationSuffix(this.pos));
  }

  /** `\n at [Source: ...; line: L, column: C]` for a position (Jackson's format). */
  locationSuffix(pos: number): string {
    return `\n at ${this.describeLocation(this.line, pos - this.lineStart + 1)}`;
  }

  nextToken(): Token | null {
    if (this.token === 'FIELD_NAME') return this.takePendingValue();
    if (this.stringIncomplete) {
      this.readString('string value');
      this.stringIncomplete = false;
    }
    let c = this.skipWhitespaceOrEnd();
    if (c < 0) {
      this.failIfUnclosed();
      this.token = null;
      return null;
    }
    if (c === 93 /* ] */ || c === 125 /* } */) return this.closeScope(c);
    const context = this.top();
    context.entries++;
    if (context.kind !== 'root' && context.entries > 0) c = this.skipComma(c, context);
    const inObject = context.kind === 'Object';
    if (inObject) {
      this.name = c === QUOTE ? this.readString('name') : this.unexpected(c, 'was expecting double-quote to start field name');
      c = this.skipColon();
    }
    this.valueLine = this.line;
    this.valueColumn = this.pos - this.lineStart; // 1-based column of the value's first char
    const value = this.scanValueStart(c, inObject);
    if (inObject) {
      this.pendingValue = value;
      this.token = 'FIELD_NAME';
      return this.token;
    }
    this.token = value;
    return value;
  }

  private takePendingValue(): Token | null {
    const value = this.pendingValue;
    this.pendingValue = null;
    if (value === 'START_ARRAY') this.push('Array');
    if (value === 'START_OBJECT') this.push('Object');
    this.token = value;
    return value;
  }

  private scanValueStart(c: number, inObject: boolean): Token {
    switch (c) {
      case QUOTE:
        this.stringIncomplete = true;
        return 'VALUE_STRING';
      case 91 /* [ */:
        if (!inObject) this.push('Array');
        return 'START_ARRAY';
      case 123 /* { */:
        if (!inObject) this.push('Object');
        return 'START_OBJECT';
      case 116 /* t */:
        this.matchLiteral('true');
        return 'VALUE_TRUE';
      case 102 /* f */:
        this.matchLiteral('false');
        return 'VALUE_FALSE';
      case 110 /* n */:
        this.matchLiteral('null');
        return 'VALUE_NULL';
      case 45 /* - */:
        return this.scanNumber(true);
      default:
        if (c >= 48 && c <= 57) return this.scanNumber(false);
        return this.oddValue(c);
    }
  }

  private oddValue(c: number): never {
    if (c === 93 || c === 44 || c === 125) this.unexpected(c, 'expected a value');
    if (c === 78 /* N */) this.nonStandardNumber('NaN', '');
    if (c === 73 /* I */) this.nonStandardNumber('Infinity', '');
    if (isJavaIdentifierStart(c)) this.invalidToken(String.fromCharCode(c));
    this.unexpected(c, `expected a valid value ${VALID_VALUES}`);
  }

  private push(kind: 'Array' | 'Object'): void {
    this.stack.push({ kind, entries: -1, startLine: this.valueLine, startColumn: this.valueColumn });
  }

  private top(): Context {
    return this.stack[this.stack.length - 1]!;
  }

  private closeScope(c: number): Token {
    const context = this.top();
    const closesArray = c === 93;
    const expected = closesArray ? 'Array' : 'Object';
    if (context.kind !== expected) {
      const wanted = closesArray ? '}' : ']';
      const where = this.describeLocation(context.startLine, context.startColumn);
      this.fail(`Unexpected close marker '${String.fromCharCode(c)}': expected '${wanted}' (for ${context.kind} starting at ${where})`);
    }
    this.stack.pop();
    this.token = closesArray ? 'END_ARRAY' : 'END_OBJECT';
    return this.token;
  }

  private failIfUnclosed(): void {
    const context = this.top();
    if (context.kind === 'root') return;
    const where = this.describeLocation(context.startLine, context.startColumn);
    this.fail(`Unexpected end-of-input: expected close marker for ${context.kind} (start marker at ${where})`);
  }

  /** Returns the next non-whitespace char (consumed) or -1 at the end. */
  private skipWhitespaceOrEnd(): number {
    const src = this.source;
    while (this.pos < src.length) {
      const c = src.charCodeAt(this.pos++);
      if (c > 32) {
        if (c === 47 /* / */) this.unexpected(c, "maybe a (non-standard) comment? (not recognized as one since Feature 'ALLOW_COMMENTS' not enabled for parser)");
        return c;
      }
      this.countWhitespace(c);
    }
    return -1;
  }

  private countWhitespace(c: number): void {
    if (c === 10) {
      this.line++;
      this.lineStart = this.pos;
    } else if (c === 13) {
      if (this.source.charCodeAt(this.pos) === 10) this.pos++;
      this.line++;
      this.lineStart = this.pos;
    } else if (c !== 32 && c !== 9) {
      this.fail(`Illegal character (${charDescription(c)}): only regular white space (\\r, \\n, \\t) is allowed between tokens`);
    }
  }

  private skipComma(c: number, context: Context): number {
    if (c !== 44) this.unexpected(c, `was expecting comma to separate ${context.kind} entries`);
    const next = this.skipWhitespaceOrEnd();
    if (next < 0) this.fail(`Unexpected end-of-input within/between ${context.kind} entries`);
    return next;
  }

  private skipColon(): number {
    let c = this.skipWhitespaceOrEnd();
    if (c < 0) this.fail('Unexpected end-of-input within/between Object entries');
    if (c !== 58) this.unexpected(c, 'was expecting a colon to separate field name and value');
    c = this.skipWhitespaceOrEnd();
    if (c < 0) this.fail('Unexpected end-of-input within/between Object entries');
    return c;
  }

  /** Reads a string whose opening quote was consumed; leaves the position after the closing quote. */
  private readString(what: 'name' | 'string value'): string {
    const src = this.source;
    let out = '';
    let chunkStart = this.pos;
    while (this.pos < src.length) {
      const c = src.charCodeAt(this.pos++);
      if (c === QUOTE) return out + src.slice(chunkStart, this.pos - 1);
      if (c === 92 /* \ */) {
        out += src.slice(chunkStart, this.pos - 1) + this.readEscape();
        chunkStart = this.pos;
      } else if (c < 32) {
        this.fail(`Illegal unquoted character (${charDescription(c)}): has to be escaped using backslash to be included in ${what}`);
      }
    }
    this.fail(what === 'name' ? `Unexpected end-of-input: was expecting closing '"' for name` : 'Unexpected end-of-input: was expecting closing quote for a string value');
  }

  private readEscape(): string {
    if (this.pos >= this.source.length) this.fail('Unexpected end-of-input in character escape sequence');
    const c = this.source.charCodeAt(this.pos++);
    const simple = SIMPLE_ESCAPES[c];
    if (simple !== undefined) return simple;
    if (c !== 117 /* u */) this.fail(`Unrecognized character escape ${charDescription(c)}`);
    let code = 0;
    for (let i = 0; i < 4; i++) {
      if (this.pos >= this.source.length) this.fail('Unexpected end-of-input in character escape sequence');
      const h = this.source.charCodeAt(this.pos++);
      const digit = hexValue(h);
      if (digit < 0) this.unexpected(h, 'expected a hex-digit for character escape sequence');
      code = (code << 4) | digit;
    }
    return String.fromCharCode(code);
  }

  private matchLiteral(word: string): void {
    const src = this.source;
    for (let i = 1; i < word.length; i++) {
      if (src.charCodeAt(this.pos) !== word.charCodeAt(i)) this.invalidToken(word.slice(0, i));
      this.pos++;
    }
    const after = src.charCodeAt(this.pos);
    if (after >= 48 && after !== 93 && after !== 125 && isJavaIdentifierPart(after)) this.invalidToken(word);
  }

  /** NaN and Infinity are JavaScript, not JSON; Jackson names them (2.10+ wording). */
  private nonStandardNumber(word: string, sign: string): never {
    this.matchLiteral(word);
    this.fail(`Non-standard token '${sign}${word}': enable \`JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS\` to allow`);
  }

  private invalidToken(matched: string): never {
    let token = matched;
    const src = this.source;
    while (this.pos < src.length && isJavaIdentifierPart(src.charCodeAt(this.pos))) {
      token += src[this.pos++];
      if (token.length >= MAX_TOKEN_IN_ERROR) {
        token += '...';
        break;
      }
    }
    this.fail(`Unrecognized token '${token}': was expecting ${VALID_VALUES}`);
  }

  private scanNumber(negative: boolean): Token {
    const src = this.source;
    const start = this.pos - 1;
    if (negative) {
      const first = this.pos < src.length ? src.charCodeAt(this.pos) : -1;
      if (first < 48 || first > 57) {
        if (first < 0) this.fail('Unexpected end-of-input in a Number value');
        if (first === 73 /* I */) {
          this.pos++;
          this.nonStandardNumber('Infinity', '-');
        }
        this.pos++;
        this.numberFail(first, 'expected digit (0-9) to follow minus sign, for valid numeric value');
      }
      this.pos++;
    }
    const firstDigit = src.charCodeAt(this.pos - 1);
    if (firstDigit === 48) {
      const next = this.peek();
      if (next >= 48 && next <= 57) this.fail('Invalid numeric value: Leading zeroes not allowed');
    }
    let c = this.readDigits();
    let float = false;
    if (c === 46 /* . */) {
      float = true;
      this.pos++;
      const before = this.pos;
      c = this.readDigits();
      if (this.pos === before) this.numberFailAtCurrent(c, 'Decimal point not followed by a digit');
    }
    if (c === 101 || c === 69 /* e E */) {
      float = true;
      this.pos++;
      c = this.peek();
      if (c === 43 || c === 45) {
        this.pos++;
      }
      const before = this.pos;
      c = this.readDigits();
      if (this.pos === before) this.numberFailAtCurrent(c, 'Exponent indicator not followed by a digit');
    }
    this.text = src.slice(start, this.pos);
    if (this.top().kind === 'root' && c >= 0 && c !== 32 && c !== 9 && c !== 10 && c !== 13 && c !== 93 && c !== 125 && c !== 44) {
      this.pos++;
      this.unexpected(c, 'Expected space separating root-level values');
    }
    return float ? 'VALUE_NUMBER_FLOAT' : 'VALUE_NUMBER_INT';
  }

  private readDigits(): number {
    const src = this.source;
    while (this.pos < src.length) {
      const c = src.charCodeAt(this.pos);
      if (c < 48 || c > 57) return c;
      this.pos++;
    }
    return -1;
  }

  private peek(): number {
    return this.pos < this.source.length ? this.source.charCodeAt(this.pos) : -1;
  }

  private numberFailAtCurrent(c: number, comment: string): never {
    if (c < 0) this.fail('Unexpected end-of-input in a Number value');
    this.pos++;
    this.numberFail(c, comment);
  }

  private numberFail(c: number, comment: string): never {
    this.fail(`Unexpected character (${charDescription(c)}) in numeric value: ${comment}`);
  }

  /** Jackson points "Unexpected character" errors at the character itself. */
  private unexpected(c: number, comment: string): never {
    const message = `Unexpected character (${charDescription(c)}): ${comment}`;
    throw new PatternSyntaxError(message + this.locationSuffix(this.pos - 1));
  }

  private describeLocation(line: number, column: number): string {
    return describeLocation(this.source, line, column);
  }
}

