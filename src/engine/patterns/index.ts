/**
 * EventBridge event patterns: compile once (validating exactly as AWS does),
 * then match events, alone or through a per-bus RuleIndex.
 *
 * Error messages are AWS's, including the location suffix AWS appends to
 * parser errors, e.g.
 *   Event pattern is not valid. Reason: Empty arrays are not allowed
 *    at [Source: (String)"{"a": []}"; line: 1, column: 9]
 * (see test/patterns/corpus for the recorded cases). Callers that want only
 * the reason can cut the message at "\n at [Source:".
 */
import { InvalidEventPatternException } from '../../errors.js';
import { type CompiledPattern, compileToRules } from './compile.js';
import { flattenEventText } from './eventScanner.js';
import { FlatEvent, flattenEvent } from './flatten.js';
import { type BoundRule, SlotTable, bindPattern, boundMatches } from './match.js';
import { PatternSyntaxError } from './patternTokenizer.js';

export type { CompiledPattern, FieldTest, SubRule } from './compile.js';
export { RuleIndex } from './ruleIndex.js';
export { flattenEvent, FlatEvent, PathTree, type Leaf, type PathNode } from './flatten.js';
export { SlotTable } from './match.js';
export { parseEventJson, JsonNumber, JsonObjectText } from './eventJson.js';
export { isJsonObjectText } from './eventScanner.js';

export const INVALID_PATTERN_PREFIX = 'Event pattern is not valid. Reason: ';

/** Parse + validate + compile. Throws InvalidEventPatternException with AWS's message. */
export function compilePattern(text: string): CompiledPattern {
  try {
    return compileToRules(text);
  } catch (error) {
    if (error instanceof PatternSyntaxError) throw new InvalidEventPatternException(INVALID_PATTERN_PREFIX + error.reason);
    throw error;
  }
}

/**
 * Does the event match? The event is the full envelope as a parsed object, or
 * its JSON text (then numbers are compared with their exact text as well).
 */
export function matchPattern(pattern: CompiledPattern, event: unknown): boolean {
  const { table, rules } = bindingOf(pattern);
  const flat = typeof event === 'string' ? flattenEventText(event, table.paths, new FlatEvent()) : flattenEvent(event, table.paths);
  return boundMatches(rules, flat);
}

const bindings = new WeakMap<CompiledPattern, { table: SlotTable; rules: BoundRule[] }>();

function bindingOf(pattern: CompiledPattern): { table: SlotTable; rules: BoundRule[] } {
  let binding = bindings.get(pattern);
  if (binding === undefined) {
    const table = new SlotTable(pattern.paths);
    binding = { table, rules: bindPattern(pattern, table) };
    bindings.set(pattern, binding);
  }
  return binding;
}
