import { minifyJson, findJsonSyntaxError } from './jsonSyntax.js';
import { TargetInputError } from './types.js';

/**
 * InputTemplate rendering. A placeholder is `<name>`; "the characters < and > can't be
 * escaped" (User Guide, input transformer tutorial), so every `<...>` without whitespace is a
 * placeholder. How a value is written depends on where its placeholder stands:
 *
 * - outside double quotes it is written as JSON: a string gains quotes (`"instance": <instance>`
 *   → `"instance": "i-0123456789"`), numbers, booleans, objects and arrays are inlined;
 * - inside a quoted string it is written raw, unescaped ("EventBridge doesn't escape values
 *   extracted by Input Path", common issues list), numbers/booleans as their JSON text.
 *
 * The outside-quotes rule is documented and recorded for JSON templates only; we apply it to
 * free-text templates too (`<instance> is in state <status>` → `"i-1" is in state "running"`),
 * which no AWS evidence confirms or refutes.
 *
 * A path that selects nothing substitutes the empty string (`""` outside quotes). The User
 * Guide says such a variable "isn't created and won't appear in the output", but AWS was
 * recorded (2024-06) rendering `"... from detail "` and `"command": ""`; we follow AWS.
 */
export const PLACEHOLDER = /<([^<>\s"]+)>/g;

export type TemplateKind = 'json' | 'string' | 'text';

/** A template opening with `{` or `[` is JSON; one wrapped in quotes is a JSON string; anything else is free text. */
export function templateKind(template: string): TemplateKind {
  const trimmed = template.trim();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) return 'json';
  if (trimmed.length >= 2 && trimmed.startsWith('"') && trimmed.endsWith('"')) return 'string';
  return 'text';
}

/** The placeholder names of a template, in order of appearance (duplicates kept). */
export function placeholderNames(template: string): string[] {
  return [...template.matchAll(PLACEHOLDER)].map((match) => match[1]!);
}

/**
 * Whether the template is a JSON object once each placeholder is a value: what AWS calls a
 * JSON template, the only kind that may hold `<aws.events.event>` / `<aws.events.event.json>`
 * (measured on AWS: `{"e": <aws.events.event.json>}` accepted, `[<aws.events.event.json>]` and
 * a quoted string holding it refused).
 */
export function isJsonObjectTemplate(template: string): boolean {
  if (!template.trim().startsWith('{')) return false;
  const asValues = new Map(placeholderNames(template).map((name) => [name, null]));
  return findJsonSyntaxError(substitute(template, asValues, 'json')) === undefined;
}

/** Render a template; `values` holds every known variable, absent ones mapped to `undefined`. */
export function renderTemplate(template: string, values: ReadonlyMap<string, unknown>): string {
  const kind = templateKind(template);
  const rendered = substitute(template, values, kind);
  if (kind !== 'json') return rendered;
  // A JSON template must still be JSON once filled in; AWS silently drops the event for this
  // target otherwise (recorded: `{"payload": "<objectVar>"}`). What is sent is minified.
  if (findJsonSyntaxError(rendered)) {
    throw new TargetInputError(`InputTemplate rendered to invalid JSON: ${rendered}`);
  }
  return minifyJson(rendered);
}

function substitute(template: string, values: ReadonlyMap<string, unknown>, kind: TemplateKind): string {
  let out = '';
  let inString = false;
  for (let i = 0; i < template.length; i++) {
    const ch = template[i]!;
    if (inString && ch === '\\' && i + 1 < template.length) {
      out += ch + template[++i];
      continue;
    }
    if (ch === '"') inString = !inString;
    const placeholder = ch === '<' ? matchPlaceholderAt(template, i) : undefined;
    if (placeholder && values.has(placeholder.name)) {
      const value = values.get(placeholder.name);
      out += inString ? textInsideString(value, kind) : jsonValue(value);
      i = placeholder.end - 1;
      continue;
    }
    out += ch;
  }
  return out;
}

function matchPlaceholderAt(template: string, at: number): { name: string; end: number } | undefined {
  const sticky = new RegExp(PLACEHOLDER.source, 'y');
  sticky.lastIndex = at;
  const match = sticky.exec(template);
  return match ? { name: match[1]!, end: at + match[0].length } : undefined;
}

function jsonValue(value: unknown): string {
  return value === undefined ? '""' : JSON.stringify(value);
}

function textInsideString(value: unknown, kind: TemplateKind): string {
  if (value === undefined) return '';
  if (typeof value === 'string') return value;
  const json = JSON.stringify(value);
  // Recorded on AWS: an object or array placed inside a template that is one quoted string
  // loses its inner quotes (`{acc_id:0a787ecb-4015,sf_id:baz}`, `[ACTIVE,INACTIVE]`), while
  // in a JSON template it keeps them (and so breaks the JSON).
  return kind === 'string' && typeof value === 'object' && value !== null ? json.replaceAll('"', '') : json;
}
