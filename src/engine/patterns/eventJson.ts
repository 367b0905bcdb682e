/**
 * JSON.parse turns `3.0e2` into 300 and 12345678901234567890 into
 * 12345678901234567000, losing the text a pattern may need to match exactly.
 * Events given as JSON text are parsed here instead: numbers stay JsonNumber
 * (text + value); everything else is plain JSON values.
 */
export class JsonNumber {
  constructor(readonly text: string) {}

  valueOf(): number {
    return Number(this.text);
  }
}

/**
 * A JSON object still as its text, inside an event otherwise parsed (PutEvents' Detail: see
 * UnparsedDetail). The text must be one JSON.parse reads as an object (isJsonObjectText). Flattening
 * scans it as an event given as text is scanned: numbers keep their text, as TestEventPattern
 * reads them, and nothing is built for the keys no rule names.
 */
export class JsonObjectText {
  constructor(readonly text: string) {}

  parse(): Record<string, unknown> {
    return JSON.parse(this.text) as Record<string, unknown>;
  }

  toJSON(): unknown {
    return this.parse();
  }
}

/** Parses JSON text, keeping each number's text. Throws SyntaxError on bad input. */
export function parseEventJson(text: string): unknown {
  const parser = new EventJsonParser(text);
  const value = parser.value();
  parser.end();
  return value;
}

const NUMBER_RE = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;

class EventJsonParser {
  private pos = 0;

  constructor(private readonly src: string) {}

  value(): unknown {
    this.skipSpace();
    const c = this.src[this.pos];
    if (c === '{') return this.object();
    if (c === '[') return this.array();
    if (c === '"') return this.string();
    if (c === 't') return this.literal('true', true);
    if (c === 'f') return this.literal('false', false);
    if (c === 'n') return this.literal('null', null);
    return this.number();
  }

  end(): void {
    this.skipSpace();
    if (this.pos !== this.src.length) this.error();
  }

  private object(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    this.pos++;
    this.skipSpace();
    if (this.src[this.pos] === '}') {
      this.pos++;
      return out;
    }
    for (;;) {
      this.skipSpace();
      if (this.src[this.pos] !== '"') this.error();
      const key = this.string();
      this.skipSpace();
      if (this.src[this.pos++] !== ':') this.error();
      Object.defineProperty(out, key, { value: this.value(), enumerable: true, writable: true, configurable: true });
      this.skipSpace();
      const c = this.src[this.pos++];
      if (c === '}') return out;
      if (c !== ',') this.error();
    }
  }

  private array(): unknown[] {
    const out: unknown[] = [];
    this.pos++;
    this.skipSpace();
    if (this.src[this.pos] === ']') {
      this.pos++;
      return out;
    }
    for (;;) {
      out.push(this.value());
      this.skipSpace();
      const c = this.src[this.pos++];
      if (c === ']') return out;
      if (c !== ',') this.error();
    }
  }

  private string(): string {
    const start = this.pos;
    let end = start + 1;
    // Find the closing quote, skipping escaped characters, then let JSON.parse decode.
    for (;;) {
      const c = this.src.charCodeAt(end);
      if (Number.isNaN(c)) this.error();
      if (c === 34) break;
      end += c === 92 ? 2 : 1;
    }
    this.pos = end + 1;
    return JSON.parse(this.src.slice(start, end + 1)) as string;
  }

  private number(): JsonNumber {
    NUMBER_RE.lastIndex = this.pos;
    const m = NUMBER_RE.exec(this.src);
    if (m === null || m[0].length === 0) this.error();
    this.pos += m[0].length;
    return new JsonNumber(m[0]);
  }

  private literal<T>(word: string, value: T): T {
    if (!this.src.startsWith(word, this.pos)) this.error();
    this.pos += word.length;
    return value;
  }

  private skipSpace(): void {
    const src = this.src;
    while (this.pos < src.length) {
      const c = src.charCodeAt(this.pos);
      if (c !== 32 && c !== 9 && c !== 10 && c !== 13) return;
      this.pos++;
    }
  }

  private error(): never {
    throw new SyntaxError(`Invalid JSON at position ${this.pos}`);
  }
}
