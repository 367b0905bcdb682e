/**
 * Reads an event pattern into its alternatives: a list of sub-rules (one per
 * `$or` combination), each mapping a dotted field path to its value list.
 *
 * The checks, their order and their messages are the reference matcher's
 * (aws/event-ruler's JSON rule compiler, which EventBridge runs): the first
 * problem met while reading left to right is the one reported, at the
 * position the reader had reached. Quirks kept on purpose, because AWS answers
 * with them: extra keys after `numeric` or `anything-but` report "Too many
 * elements in numeric expression"; a non-string `cidr` reports "prefix match
 * pattern must be a string"; text after the closing `}` is ignored; a key seen
 * twice keeps its last value list.
 */
import { comparableValue } from './numbers.js';
import { parseCidr, singleAddressRange } from './ip.js';
import { PatternSyntaxError, PatternTokenizer, type Token } from './patternTokenizer.js';
import type { Term } from './terms.js';
import { wildcardTokens } from './wildcard.js';

export type SubRuleFields = Map<string, Term[]>;

/** AWS caps a pattern's `$or` combinations at 1,000; the message AWS gives is not documented (see README.md here). */
export const MAX_COMBINATIONS = 1000;
export const TOO_COMPLEX =
  'Rule is too complex - try using fewer wildcard characters or fewer repeating character sequences after a wildcard character';

/** Field names that may not appear inside `$or` (the reference matcher's reserved words). */
const RESERVED_IN_OR = new Set([
  'exactly', 'equals-ignore-case', 'prefix', 'suffix', 'anything-but', 'exists', 'wildcard', 'numeric', 'cidr',
  '=', '<', '<=', '>', '>=', 'regex', 'not-wildcard', 'not-equals-ignore-case', 'date-after', 'date-on-or-after',
  'date-before', 'date-on-or-before', 'in-date-range', 'ip-address-in-range', 'ip-address-not-in-range',
]);

const ONLY_ONE_KEY = 'Only one key allowed in match expression';
const TOO_MANY_ELEMENTS = 'Too many elements in numeric expression';

export function readPattern(text: string): SubRuleFields[] {
  return new PatternReader(text).read();
}

class PatternReader {
  private readonly t: PatternTokenizer;

  constructor(text: string) {
    this.t = new PatternTokenizer(text);
  }

  read(): SubRuleFields[] {
    if (this.t.nextToken() !== 'START_OBJECT') this.t.fail('Filter is not an object');
    const rules: SubRuleFields[] = [];
    this.readObject(rules, [], false);
    return rules;
  }

  private readObject(rules: SubRuleFields[], path: string[], insideOr: boolean): void {
    const t = this.t;
    let empty = true;
    while (t.nextToken() !== 'END_OBJECT') {
      empty = false;
      const name = t.currentName;
      if (name === '$or') {
        this.readOr(rules, path);
        continue;
      }
      if (insideOr && RESERVED_IN_OR.has(name)) t.fail(`${name} is Ruler reserved fieldName which cannot be used inside $or.`);
      const next = t.nextToken();
      if (next === 'START_OBJECT') {
        path.push(name);
        this.readObject(rules, path, insideOr);
        path.pop();
      } else if (next === 'START_ARRAY') {
        this.readValueList(rules, [...path, name].join('.'));
      } else {
        t.fail(`"${name}" must be an object or an array`);
      }
    }
    if (empty) t.fail('Empty objects are not allowed');
  }

  /** `"$or": [ {...}, {...} ]` forks every sub-rule read so far, once per branch. */
  private readOr(rules: SubRuleFields[], path: string[]): void {
    const t = this.t;
    const before = rules.map((rule) => new Map(rule));
    rules.length = 0;
    if (t.nextToken() !== 'START_ARRAY') t.fail('It must be an Array followed with $or.');
    let branches = 0;
    let token: Token | null;
    while ((token = t.nextToken()) !== 'END_ARRAY') {
      branches++;
      if (token !== 'START_OBJECT') t.fail('Only JSON object is allowed in array of $or relationship.');
      const branch = before.length === 0 ? [new Map<string, Term[]>()] : before.map((rule) => new Map(rule));
      this.readObject(branch, path, true);
      for (const rule of branch) rules.push(rule);
      // Stop early: a pattern past the cap is rejected anyway, and expansion is multiplicative.
      if (rules.length > MAX_COMBINATIONS) throw new PatternSyntaxError(TOO_COMPLEX);
    }
    if (branches < 2) t.fail('There must have at least 2 Objects in $or relationship.');
  }

  private readValueList(rules: SubRuleFields[], path: string): void {
    const t = this.t;
    const values: Term[] = [];
    let token: Token | null;
    while ((token = t.nextToken()) !== 'END_ARRAY') {
      switch (token) {
        case 'START_OBJECT':
          values.push(this.readMatchExpression());
          break;
        case 'VALUE_STRING': {
          const text = t.getText();
          const range = singleAddressRange(text);
          values.push(range !== undefined ? { kind: 'address', range } : { kind: 'exactString', value: text });
          break;
        }
        case 'VALUE_NUMBER_INT':
        case 'VALUE_NUMBER_FLOAT': {
          const text = t.getText();
          values.push({ kind: 'exactNumber', text, value: comparableValue(text) });
          break;
        }
        case 'VALUE_TRUE':
        case 'VALUE_FALSE':
        case 'VALUE_NULL':
          values.push({ kind: 'exactLiteral', text: t.getText() as 'true' | 'false' | 'null' });
          break;
        default:
          t.fail('Match value must be String, number, true, false, or null');
      }
    }
    if (values.length === 0) t.fail('Empty arrays are not allowed');
    if (rules.length === 0) rules.push(new Map());
    for (const rule of rules) rule.set(path, values);
  }

  private readMatchExpression(): Term {
    const t = this.t;
    if (t.nextToken() !== 'FIELD_NAME') t.fail('Match expression name not found');
    const op = t.currentName;
    switch (op) {
      case 'exactly':
        return this.readStringOperand('exact match pattern must be a string', (value) => ({ kind: 'exactString', value }));
      case 'prefix':
      case 'suffix':
        return this.readAffix(op);
      case 'equals-ignore-case':
        return this.readStringOperand('equals-ignore-case match pattern must be a string', (value) => ({
          kind: 'equalsIgnoreCase', value, ignoreCase: true,
        }));
      case 'wildcard':
        return this.readStringOperand('wildcard match pattern must be a string', (value) => {
          checkWildcard(t, value);
          return { kind: 'wildcard', value };
        });
      case 'cidr':
        // The reference matcher reuses the prefix message here.
        return this.readStringOperand('prefix match pattern must be a string', (value) => ({ kind: 'address', range: cidrRange(value) }));
      case 'numeric':
        return this.readNumeric();
      case 'exists':
        return this.readExists();
      case 'anything-but':
        return readAnythingBut(t);
      default:
        return t.fail(`Unrecognized match type ${op}`);
    }
  }

  private readStringOperand(notString: string, build: (value: string) => Term): Term {
    const t = this.t;
    if (t.nextToken() !== 'VALUE_STRING') t.fail(notString);
    const term = build(t.getText());
    if (t.nextToken() !== 'END_OBJECT') t.fail(ONLY_ONE_KEY);
    return term;
  }

  private readAffix(side: 'prefix' | 'suffix'): Term {
    const t = this.t;
    const token = t.nextToken();
    if (token === 'START_OBJECT') return this.readAffixIgnoreCase(side);
    if (token !== 'VALUE_STRING') t.fail(`${side} match pattern must be a string`);
    const term: Term = { kind: side, value: t.getText(), ignoreCase: false };
    if (t.nextToken() !== 'END_OBJECT') t.fail(ONLY_ONE_KEY);
    return term;
  }

  /** `{"prefix": {"equals-ignore-case": "..."}}` and the suffix twin. */
  private readAffixIgnoreCase(side: 'prefix' | 'suffix'): Term {
    const t = this.t;
    const label = side === 'prefix' ? 'Prefix' : 'Suffix';
    if (t.nextToken() !== 'FIELD_NAME') t.fail(`${label} expression name not found`);
    if (t.currentName !== 'equals-ignore-case') t.fail(`Unsupported ${side} pattern: ${t.currentName}`);
    if (t.nextToken() !== 'VALUE_STRING') t.fail('equals-ignore-case match pattern must be a string');
    const term: Term = { kind: side, value: t.getText(), ignoreCase: true };
    if (t.nextToken() !== 'END_OBJECT') t.fail(ONLY_ONE_KEY);
    if (t.nextToken() !== 'END_OBJECT') t.fail(ONLY_ONE_KEY);
    return term;
  }

  private readExists(): Term {
    const t = this.t;
    const token = t.nextToken();
    if (token !== 'VALUE_TRUE' && token !== 'VALUE_FALSE') t.fail('exists match pattern must be either true or false.');
    if (t.nextToken() !== 'END_OBJECT') t.fail(ONLY_ONE_KEY);
    return { kind: 'exists', present: token === 'VALUE_TRUE' };
  }

  private readNumeric(): Term {
    const t = this.t;
    if (t.nextToken() !== 'START_ARRAY') t.fail('Value of numeric must be an array.');
    const term = readNumericRange(t);
    if (t.nextToken() !== 'END_OBJECT') t.fail(TOO_MANY_ELEMENTS);
    return term;
  }
}

function checkWildcard(t: PatternTokenizer, value: string): void {
  try {
    wildcardTokens(value);
  } catch (error) {
    t.fail((error as Error).message);
  }
}

function cidrRange(value: string) {
  try {
    return parseCidr(value);
  } catch (error) {
    // Not a parser error: AWS's message has no location suffix.
    throw new PatternSyntaxError((error as Error).message);
  }
}

function isNumber(token: Token | null): boolean {
  return token === 'VALUE_NUMBER_INT' || token === 'VALUE_NUMBER_FLOAT';
}

/** `["=", 5]`, `["<", 5]`, `[">", 0, "<=", 5]` ... */
function readNumericRange(t: PatternTokenizer): Term {
  let token = t.nextToken();
  if (token !== 'VALUE_STRING') t.fail(`Invalid member in numeric match: ${t.getText()}`);
  const op = t.getText();
  token = t.nextToken();
  const operand = (label: string): number => {
    if (!isNumber(token)) t.fail(`Value of ${label} must be numeric`);
    return Number(t.getText());
  };
  const endOrTooMany = () => {
    if (t.nextToken() !== 'END_ARRAY') t.fail(TOO_MANY_ELEMENTS);
  };
  switch (op) {
    case '=': {
      const value = operand('equals');
      endOrTooMany();
      return { kind: 'numeric', low: value, lowOpen: false, high: value, highOpen: false };
    }
    case '<':
    case '<=': {
      const high = operand(op);
      endOrTooMany();
      return { kind: 'numeric', low: -Infinity, lowOpen: false, high, highOpen: op === '<' };
    }
    case '>':
    case '>=': {
      const low = operand(op);
      token = t.nextToken();
      if (token === 'END_ARRAY') return { kind: 'numeric', low, lowOpen: op === '>', high: Infinity, highOpen: false };
      return completeRange(t, token, low, op === '>');
    }
    default:
      return t.fail(`Unrecognized numeric range operator: ${op}`);
  }
}

function completeRange(t: PatternTokenizer, token: Token | null, low: number, lowOpen: boolean): Term {
  if (token !== 'VALUE_STRING') t.fail(`Bad value in numeric range: ${t.getText()}`);
  const op = t.getText();
  if (op !== '<' && op !== '<=') t.fail(`Bad numeric range operator: ${op}`);
  if (!isNumber(t.nextToken())) t.fail(`Value of ${op} must be numeric`);
  const high = Number(t.getText());
  if (t.nextToken() !== 'END_ARRAY') t.fail('Too many terms in numeric range expression');
  if (!(low < high)) t.fail('Bottom must be less than top');
  return { kind: 'numeric', low, lowOpen, high, highOpen: op === '<' };
}

type AnythingButFlavour = 'plain' | 'equals-ignore-case' | 'prefix' | 'suffix' | 'wildcard';

/**
 * `anything-but`: a value, a list, or `{prefix|suffix|equals-ignore-case|wildcard: value or list}`.
 * Inside the list forms the reference matcher catches its own error and reports it
 * again, so those messages carry the location twice (observed on AWS, 2024-12).
 */
function readAnythingBut(t: PatternTokenizer): Term {
  let flavour: AnythingButFlavour = 'plain';
  let token = t.nextToken();
  if (token === 'START_OBJECT') {
    if (t.nextToken() !== 'FIELD_NAME') t.fail('Anything-But expression name not found');
    const inner = t.currentName;
    if (inner !== 'equals-ignore-case' && inner !== 'prefix' && inner !== 'suffix' && inner !== 'wildcard') {
      t.fail(`Unsupported anything-but pattern: ${inner}`);
    }
    flavour = inner;
    token = t.nextToken();
  }
  if (token !== 'START_ARRAY' && token !== 'VALUE_STRING' && !isNumber(token)) {
    t.fail('Value of anything-but must be an array or single string/number value.');
  }
  const term =
    flavour === 'plain'
      ? token === 'START_ARRAY' ? plainList(t) : plainSingle(t, token)
      : flavouredValues(t, token, flavour);
  if (t.nextToken() !== 'END_OBJECT') t.fail(TOO_MANY_ELEMENTS);
  if (flavour !== 'plain' && t.nextToken() !== 'END_OBJECT') t.fail(TOO_MANY_ELEMENTS);
  return term;
}

function plainSingle(t: PatternTokenizer, token: Token | null): Term {
  const text = t.getText();
  if (token === 'VALUE_STRING') return { kind: 'anythingBut', strings: new Set([text]), numbers: new Set() };
  return { kind: 'anythingBut', strings: new Set(), numbers: new Set([numberValue(text)]) };
}

function plainList(t: PatternTokenizer): Term {
  const strings = new Set<string>();
  const numbers = new Set<number>();
  rethrowWithLocation(t, () => {
    let token: Token | null;
    while ((token = t.nextToken()) !== 'END_ARRAY') {
      if (token === 'VALUE_STRING') strings.add(t.getText());
      else if (isNumber(token)) numbers.add(numberValue(t.getText()));
      else t.fail('Inside anything but list, start|null|boolean is not supported.');
    }
  });
  if ((strings.size > 0) === (numbers.size > 0)) {
    t.fail('Inside anything but list, either all values are number or string, mixed type is not supported');
  }
  return { kind: 'anythingBut', strings, numbers };
}

function flavouredValues(t: PatternTokenizer, token: Token | null, flavour: Exclude<AnythingButFlavour, 'plain'>): Term {
  const values: string[] = [];
  const take = (current: Token | null) => {
    if (current !== 'VALUE_STRING') t.fail(notAStringMessage(flavour));
    const text = t.getText();
    if ((flavour === 'prefix' || flavour === 'suffix') && text === '') t.fail('Null prefix/suffix not allowed');
    values.push(text);
  };
  if (token === 'START_ARRAY') {
    rethrowWithLocation(t, () => {
      let item: Token | null;
      while ((item = t.nextToken()) !== 'END_ARRAY') take(item);
    });
  } else {
    take(token);
  }
  if (flavour === 'wildcard') for (const value of values) checkWildcard(t, value);
  const kind =
    flavour === 'prefix' ? 'anythingButPrefix'
    : flavour === 'suffix' ? 'anythingButSuffix'
    : flavour === 'wildcard' ? 'anythingButWildcard'
    : 'anythingButIgnoreCase';
  return { kind, values };
}

function notAStringMessage(flavour: Exclude<AnythingButFlavour, 'plain'>): string {
  if (flavour === 'equals-ignore-case') return 'Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported.';
  if (flavour === 'wildcard') return 'wildcard match pattern must be a string';
  return 'prefix/suffix match pattern must be a string';
}

/** The reference matcher catches errors raised inside these lists and raises them again. */
function rethrowWithLocation(t: PatternTokenizer, read: () => void): void {
  try {
    read();
  } catch (error) {
    if (!(error instanceof PatternSyntaxError)) throw error;
    t.fail(error.reason);
  }
}

/** anything-but numbers compare by value; one a double cannot carry compares by its nearest double. */
function numberValue(text: string): number {
  return comparableValue(text) ?? Number(text);
}
