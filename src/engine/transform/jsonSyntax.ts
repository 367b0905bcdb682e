/**
 * A strict JSON syntax check that reports where it failed the way Jackson (the Java parser
 * behind EventBridge's messages) does: 1-based line and column of the position *after* the
 * offending character, or after a whole bad token. Evidence: AWS answered Input `env:dev`
 * with `[Source: (String)"env:dev"; line: 1, column: 4]` and `{'db_name':...` with column 3
 * (aws/aws-cli#6711, ansible-collections/community.aws#201).
 */
export interface JsonErrorLocation {
  line: number;
  column: number;
}

class JsonSyntaxFailure {
  constructor(readonly offset: number) {}
}

const WHITESPACE = new Set([' ', '\t', '\n', '\r']);
const TOKEN_CHAR = /[A-Za-z0-9_$+\-.]/;

export function findJsonSyntaxError(text: string): JsonErrorLocation | undefined {
  try {
    const scanner = new Scanner(text);
    scanner.value();
    scanner.skipWhitespace();
    if (scanner.pos < text.length) throw new JsonSyntaxFailure(scanner.pos + 1);
    return undefined;
  } catch (error) {
    if (!(error instanceof JsonSyntaxFailure)) throw error;
    return locate(text, error.offset);
  }
}

function locate(text: string, offset: number): JsonErrorLocation {
  const before = text.slice(0, offset);
  const lastNewline = before.lastIndexOf('\n');
  return { line: before.split('\n').length, column: offset - lastNewline };
}

/** Remove the whitespace between tokens (AWS delivers a JSON template's output minified). */
export function minifyJson(text: string): string {
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (inString && ch === '\\') {
      out += ch + (text[++i] ?? '');
      continue;
    }
    if (ch === '"') inString = !inString;
    if (inString || !WHITESPACE.has(ch)) out += ch;
  }
  return out;
}

class Scanner {
  pos = 0;
  constructor(private readonly text: string) {}

  skipWhitespace(): void {
    while (this.pos < this.text.length && WHITESPACE.has(this.text[this.pos]!)) this.pos++;
  }

  value(): void {
    this.skipWhitespace();
    const ch = this.text[this.pos];
    if (ch === undefined) throw new JsonSyntaxFailure(this.pos);
    if (ch === '{') return this.container('}', true);
    if (ch === '[') return this.container(']', false);
    if (ch === '"') return this.string();
    return this.token();
  }

  private container(close: string, isObject: boolean): void {
    this.pos++;
    this.skipWhitespace();
    if (this.text[this.pos] === close) {
      this.pos++;
      return;
    }
    for (;;) {
      if (isObject) this.member();
      else this.value();
      this.skipWhitespace();
      const ch = this.text[this.pos];
      if (ch === undefined) throw new JsonSyntaxFailure(this.pos);
      this.pos++;
      if (ch === close) return;
      if (ch !== ',') throw new JsonSyntaxFailure(this.pos);
    }
  }

  private member(): void {
    this.skipWhitespace();
    if (this.text[this.pos] !== '"') throw new JsonSyntaxFailure(Math.min(this.pos + 1, this.text.length));
    this.string();
    this.skipWhitespace();
    if (this.text[this.pos] !== ':') throw new JsonSyntaxFailure(Math.min(this.pos + 1, this.text.length));
    this.pos++;
    this.value();
  }

  private string(): void {
    this.pos++;
    for (;;) {
      const ch = this.text[this.pos++];
      if (ch === undefined) throw new JsonSyntaxFailure(this.text.length);
      if (ch === '"') return;
      if (ch < ' ') throw new JsonSyntaxFailure(this.pos);
      if (ch === '\\') this.escape();
    }
  }

  private escape(): void {
    const ch = this.text[this.pos++];
    if (ch === undefined) throw new JsonSyntaxFailure(this.text.length);
    if (ch === 'u') {
      const hex = this.text.slice(this.pos, this.pos + 4);
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw new JsonSyntaxFailure(this.pos + 1);
      this.pos += 4;
    } else if (!'"\\/bfnrt'.includes(ch)) {
      throw new JsonSyntaxFailure(this.pos);
    }
  }

  /** A literal (`true`, `false`, `null`) or a number, read as one run of token characters. */
  private token(): void {
    const start = this.pos;
    while (this.pos < this.text.length && TOKEN_CHAR.test(this.text[this.pos]!)) this.pos++;
    const token = this.text.slice(start, this.pos);
    if (token === '') throw new JsonSyntaxFailure(this.pos + 1);
    const isLiteral = token === 'true' || token === 'false' || token === 'null';
    if (!isLiteral && !/^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/.test(token)) throw new JsonSyntaxFailure(this.pos);
  }
}
