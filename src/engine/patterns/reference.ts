/**
 * A deliberately plain interpreter of event patterns, used by the property
 * tests as the oracle for the compiled, indexed matcher. It reads the pattern
 * as a parsed JSON value (validate it with compilePattern first), lists every
 * leaf of the event, and tries every combination. Slow and obvious on purpose;
 * it shares no code with the matcher.
 */
type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Fields = Map<string, Json[]>;

interface EventLeaf {
  readonly path: string;
  readonly value: Json;
  /** [array number, element index] for each enclosing array, outermost first. */
  readonly arrays: ReadonlyArray<readonly [number, number]>;
}

export function referenceMatches(pattern: Json, event: Json): boolean {
  const leaves = eventLeaves(event);
  return alternatives(pattern as { [key: string]: Json }, '').some((fields) => fieldsMatch(fields, leaves));
}

/** Each `$or` combination of the pattern, as path -> value list (a later key overrides an earlier one). */
function alternatives(object: { [key: string]: Json }, prefix: string): Fields[] {
  let result: Fields[] = [new Map()];
  for (const [key, value] of Object.entries(object)) {
    if (key === '$or') {
      const branches = (value as { [key: string]: Json }[]).flatMap((branch) => alternatives(branch, prefix));
      result = result.flatMap((fields) => branches.map((branch) => new Map([...fields, ...branch])));
    } else if (Array.isArray(value)) {
      result = result.map((fields) => new Map([...fields, [prefix + key, value]]));
    } else {
      const nested = alternatives(value as { [key: string]: Json }, `${prefix}${key}.`);
      result = result.flatMap((fields) => nested.map((inner) => new Map([...fields, ...inner])));
    }
  }
  return result;
}

function eventLeaves(event: Json): EventLeaf[] {
  const leaves: EventLeaf[] = [];
  let arrayCount = 0;
  const walk = (value: Json, path: string, arrays: ReadonlyArray<readonly [number, number]>): void => {
    if (Array.isArray(value)) {
      const id = arrayCount++;
      value.forEach((item, i) => walk(item, path, [...arrays, [id, i]]));
    } else if (value !== null && typeof value === 'object') {
      for (const [key, inner] of Object.entries(value)) walk(inner, path === '' ? key : `${path}.${key}`, arrays);
    } else {
      leaves.push({ path, value, arrays });
    }
  };
  if (event !== null && typeof event === 'object' && !Array.isArray(event)) walk(event, '', []);
  return leaves;
}

function fieldsMatch(fields: Fields, leaves: EventLeaf[]): boolean {
  const choices: EventLeaf[][] = [];
  for (const [path, values] of fields) {
    const present = leaves.filter((leaf) => leaf.path === path);
    const mayBeAbsent = values.some((v) => isOperator(v, 'exists') && (v as { exists: boolean }).exists === false);
    if (present.length === 0 && mayBeAbsent) continue;
    const matching = present.filter((leaf) => values.some((v) => valueMatches(v, leaf.value)));
    if (matching.length === 0) return false;
    choices.push(matching);
  }
  return someConsistentPick(choices, []);
}

function someConsistentPick(choices: EventLeaf[][], picked: EventLeaf[]): boolean {
  if (picked.length === choices.length) return true;
  return choices[picked.length]!.some(
    (leaf) => picked.every((other) => sameElements(leaf, other)) && someConsistentPick(choices, [...picked, leaf]),
  );
}

/** Two leaves combine unless they sit in different elements of one array. */
function sameElements(a: EventLeaf, b: EventLeaf): boolean {
  return a.arrays.every(([array, index]) => b.arrays.every(([otherArray, otherIndex]) => array !== otherArray || index === otherIndex));
}

function isOperator(value: Json, name: string): boolean {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && name in value;
}

function valueMatches(spec: Json, value: Json): boolean {
  if (spec === null || typeof spec !== 'object') return literalMatches(spec, value);
  const [[op, arg]] = Object.entries(spec as { [key: string]: Json }) as [[string, Json]];
  const text = typeof value === 'string' ? value : undefined;
  switch (op) {
    case 'exactly':
      return text === arg;
    case 'prefix':
      return text !== undefined && regexFor(affixSource(arg, 'prefix')).test(`"${text}"`);
    case 'suffix':
      return text !== undefined && regexFor(affixSource(arg, 'suffix')).test(`"${text}"`);
    case 'equals-ignore-case':
      return text !== undefined && regexFor(`^"${foldedSource(arg as string)}"$`).test(`"${text}"`);
    case 'wildcard':
      return text !== undefined && regexFor(`^${wildcardSource(`"${arg as string}"`)}$`).test(`"${text}"`);
    case 'numeric':
      return typeof value === 'number' && numericHolds(arg as Json[], value);
    case 'exists':
      return arg === true;
    case 'cidr':
      return text !== undefined && inCidr(text, arg as string);
    case 'anything-but':
      return !anythingButExcludes(arg, value);
    default:
      throw new Error(`reference: unknown operator ${op}`);
  }
}

function literalMatches(spec: string | number | boolean | null, value: Json): boolean {
  if (typeof spec === 'string' && ipNumber(spec) !== undefined) {
    return typeof value === 'string' && ipNumber(value) !== undefined && ipNumber(value)!.join() === ipNumber(spec)!.join();
  }
  return spec === value;
}

function anythingButExcludes(arg: Json, value: Json): boolean {
  if (arg !== null && typeof arg === 'object' && !Array.isArray(arg)) {
    const [[op, inner]] = Object.entries(arg) as [[string, Json]];
    const list = Array.isArray(inner) ? inner : [inner];
    return list.some((item) => valueMatches({ [op]: item }, value));
  }
  const list = Array.isArray(arg) ? arg : [arg];
  return list.some((item) => item === value);
}

function affixSource(arg: Json, side: 'prefix' | 'suffix'): string {
  if (typeof arg === 'string') return side === 'prefix' ? `^"${escape(arg)}` : `${escape(arg)}"$`;
  const folded = foldedSource((arg as { 'equals-ignore-case': string })['equals-ignore-case']);
  return side === 'prefix' ? `^"${folded}` : `${folded}"$`;
}

/** Each character as (lower|upper), the reference matcher's notion of ignoring case. */
function foldedSource(text: string): string {
  return [...text.split('')].map((ch) => `(?:${escape(ch.toLowerCase())}|${escape(ch.toUpperCase())})`).join('');
}

function wildcardSource(quoted: string): string {
  let source = '';
  for (let i = 0; i < quoted.length; i++) {
    const ch = quoted[i]!;
    if (ch === '\\') source += escape(quoted[++i]!);
    else source += ch === '*' ? '[\\s\\S]*' : escape(ch);
  }
  return source;
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

function regexFor(source: string): RegExp {
  return new RegExp(source);
}

function numericHolds(terms: Json[], value: number): boolean {
  for (let i = 0; i < terms.length; i += 2) {
    const bound = terms[i + 1] as number;
    const ok = { '=': value === bound, '<': value < bound, '<=': value <= bound, '>': value > bound, '>=': value >= bound }[
      terms[i] as '=' | '<' | '<=' | '>' | '>='
    ];
    if (!ok) return false;
  }
  return true;
}

function inCidr(text: string, cidr: string): boolean {
  const [base, bits] = cidr.split('/') as [string, string];
  const address = ipNumber(text);
  const network = ipNumber(base);
  if (address === undefined || network === undefined || address[1] !== network[1]) return false;
  const hostBits = BigInt(network[1] - Number(bits));
  return address[0] >> hostBits === network[0] >> hostBits;
}

/** [address as a number, width in bits], or undefined when not an IP literal. */
function ipNumber(text: string): [bigint, number] | undefined {
  const v4 = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (v4 !== null) {
    const parts = v4.slice(1);
    if (parts.some((p) => (p.length > 1 && p.startsWith('0')) || Number(p) > 255)) return undefined;
    return [parts.reduce((acc, p) => (acc << 8n) | BigInt(p), 0n), 32];
  }
  if (!/^[0-9a-fA-F:]*:[0-9a-fA-F:]*$/.test(text)) return undefined;
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groups = halves.map((half) => (half === '' ? [] : half.split(':')));
  if (groups.flat().some((g) => g.length === 0 || g.length > 4)) return undefined;
  const count = groups.flat().length;
  if (halves.length === 1 ? count !== 8 : count > 7) return undefined;
  const all = halves.length === 1 ? groups[0]! : [...groups[0]!, ...Array<string>(8 - count).fill('0'), ...groups[1]!];
  const value = all.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n);
  if (value >> 32n === 0xffffn) return [value & 0xffffffffn, 32]; // IPv4-mapped
  return [value, 128];
}
