import { JsonObjectText } from '../patterns/index.js';
import type { JsonPathResult } from './types.js';

/**
 * The JSONPath subset EventBridge documents for InputPath, InputPathsMap values and dynamic
 * target parameters: `$`, dot notation (names may hold dashes, underscores, slashes, colons),
 * array indices `[0]`, wildcards `.*` / `[*]`; bracketed names `['a b']` are also accepted
 * because the Target.InputPath doc allows bracket notation. Deep scan (`..`), slices and
 * filters are not supported by EventBridge ("does not support all JSON Path syntax") and
 * select nothing here.
 *
 * Result shape follows Jayway JsonPath, the Java library EventBridge's behaviour matches: a
 * definite path yields the single value (or not found); a path with a wildcard is
 * "indefinite" and always yields an array of every match, possibly empty.
 */
type Step = { kind: 'name'; name: string } | { kind: 'index'; index: number } | { kind: 'wildcard' };

const NAME_CHAR = /[^.[\]\s]/;

export function parseJsonPath(path: string): Step[] | undefined {
  if (!path.startsWith('$')) return undefined;
  const steps: Step[] = [];
  let i = 1;
  while (i < path.length) {
    const parsed = path[i] === '.' ? parseDotStep(path, i + 1) : path[i] === '[' ? parseBracketStep(path, i + 1) : undefined;
    if (!parsed) return undefined;
    steps.push(parsed.step);
    i = parsed.next;
  }
  return steps;
}

function parseDotStep(path: string, start: number): { step: Step; next: number } | undefined {
  if (path[start] === '*') return { step: { kind: 'wildcard' }, next: start + 1 };
  let end = start;
  while (end < path.length && NAME_CHAR.test(path[end]!)) end++;
  if (end === start) return undefined;
  return { step: { kind: 'name', name: path.slice(start, end) }, next: end };
}

function parseBracketStep(path: string, start: number): { step: Step; next: number } | undefined {
  const close = path.indexOf(']', start);
  if (close < 0) return undefined;
  const inner = path.slice(start, close);
  const next = close + 1;
  if (inner === '*') return { step: { kind: 'wildcard' }, next };
  if (/^\d+$/.test(inner)) return { step: { kind: 'index', index: Number(inner) }, next };
  const quoted = /^'([^']*)'$/.exec(inner) ?? /^"([^"]*)"$/.exec(inner);
  if (quoted) return { step: { kind: 'name', name: quoted[1]! }, next };
  return undefined;
}

export function evaluateJsonPath(event: unknown, path: string): JsonPathResult {
  const steps = parseJsonPath(path.trim());
  if (!steps) return { found: false };
  const indefinite = steps.some((step) => step.kind === 'wildcard');
  let nodes: unknown[] = [event];
  for (const step of steps) {
    nodes = nodes.flatMap((node) => applyStep(node, step));
    if (nodes.length === 0 && !indefinite) return { found: false };
  }
  return indefinite ? { found: true, value: nodes.map(parsed) } : { found: true, value: parsed(nodes[0]) };
}

/** A delivery's event may hold its Detail still as text (see UnparsedDetail): a path reads its parse. */
const parsed = (node: unknown) => (node instanceof JsonObjectText ? node.parse() : node);

function applyStep(at: unknown, step: Step): unknown[] {
  const node = parsed(at);
  if (step.kind === 'wildcard') {
    if (Array.isArray(node)) return node;
    return isObject(node) ? Object.values(node) : [];
  }
  if (step.kind === 'index') {
    return Array.isArray(node) && step.index < node.length ? [node[step.index]] : [];
  }
  return isObject(node) && Object.prototype.hasOwnProperty.call(node, step.name) ? [node[step.name]] : [];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
