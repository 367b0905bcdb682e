/**
 * Pipes' InputTemplate (EnrichmentParameters.InputTemplate, TargetParameters.InputTemplate) and
 * dynamic path parameters, rendered for ONE event (User Guide, "Amazon EventBridge Pipes input
 * transformation": "Input transformers are applied separately on each individual JSON record in
 * the array, not the array as a whole", "Batching and concurrency").
 *
 * Pipes' syntax differs from a rule's InputTransformer: there is no InputPathsMap, a placeholder
 * is the JSON path itself (`<$.body.key>`) or a reserved variable (`<aws.pipes.pipe-arn>` ...).
 * The placement rules (quoted or not, JSON template or free text) are the rule transformer's,
 * so the placeholders are resolved here and rendered by src/transform/template.ts.
 *
 * Implicit body data parsing (same page): an SQS `body` that is JSON, and a Kinesis `data` that
 * is base64 of JSON, are parsed before paths are evaluated, so `<$.body.key>` and `$.data.x`
 * reach into them. `<aws.pipes.event.json>` is that parsed event; `<aws.pipes.event>` is the
 * event as received, as one (escaped) JSON string: the docs contrast the two by saying
 * event.json "isn't escaped" and so "can only be used as a value for a JSON field".
 */
import { evaluateJsonPath } from '../../engine/transform/jsonPath.js';
import { placeholderNames, renderTemplate } from '../../engine/transform/template.js';

/** What the reserved `aws.pipes.*` variables are made of. */
export interface PipeTemplateContext {
  pipeArn: string;
  pipeName: string;
  sourceArn: string;
  enrichmentArn?: string;
  targetArn: string;
  /** Current (virtual) time in ms: `<aws.pipes.event.ingestion-time>`. */
  now(): number;
}

/** The event with its encoded payload decoded where it is JSON (SQS `body`, Kinesis `data`). */
export function implicitlyParsed(event: unknown): unknown {
  if (typeof event !== 'object' || event === null || Array.isArray(event)) return event;
  const record = event as Record<string, unknown>;
  let out: Record<string, unknown> | undefined;
  const copy = () => (out ??= { ...record });
  if (typeof record.body === 'string') {
    const parsed = parseJson(record.body);
    if (parsed.ok) copy().body = parsed.value;
  }
  // Pipes' Kinesis record carries `data` at the top; the Lambda-style shape nests it in `kinesis`.
  if (record.eventSource === 'aws:kinesis') {
    if (typeof record.data === 'string') {
      const parsed = parseJson(Buffer.from(record.data, 'base64').toString('utf8'));
      if (parsed.ok) copy().data = parsed.value;
    }
    const nested = record.kinesis as Record<string, unknown> | undefined;
    if (nested && typeof nested.data === 'string') {
      const parsed = parseJson(Buffer.from(nested.data, 'base64').toString('utf8'));
      if (parsed.ok) copy().kinesis = { ...nested, data: parsed.value };
    }
  }
  return out ?? event;
}

/** The target (or enrichment) input of one event: the template rendered, or the event itself as JSON. */
export function renderPipeInput(event: unknown, template: string | undefined, ctx: PipeTemplateContext): string {
  if (template === undefined) return JSON.stringify(event);
  const parsed = implicitlyParsed(event);
  const values = new Map<string, unknown>();
  for (const name of placeholderNames(template)) {
    if (name.startsWith('$')) {
      const selected = evaluateJsonPath(parsed, name);
      values.set(name, selected.found ? selected.value : undefined);
    }
  }
  values.set('aws.pipes.pipe-arn', ctx.pipeArn);
  values.set('aws.pipes.pipe-name', ctx.pipeName);
  values.set('aws.pipes.source-arn', ctx.sourceArn);
  values.set('aws.pipes.enrichment-arn', ctx.enrichmentArn ?? '');
  values.set('aws.pipes.target-arn', ctx.targetArn);
  values.set('aws.pipes.event.ingestion-time', new Date(ctx.now()).toISOString());
  values.set('aws.pipes.event', JSON.stringify(event));
  values.set('aws.pipes.event.json', parsed);
  return renderTemplate(template, values);
}

/**
 * A parameter value that is an entire JSON path (`$.body.orderId`) is taken from the event
 * (implicitly parsed); anything else is a literal ("Dynamic path parameters", User Guide).
 * A path that selects nothing: undefined.
 */
export function resolveDynamic(value: string, event: unknown): string | undefined {
  if (!/^\$[.[]/.test(value)) return value;
  const selected = evaluateJsonPath(implicitlyParsed(event), value);
  if (!selected.found || selected.value === undefined || selected.value === null) return undefined;
  return typeof selected.value === 'string' ? selected.value : JSON.stringify(selected.value);
}

/** The input as a JSON value where it is JSON (for a batch array), else the text as a JSON string. */
export function asJsonValue(input: string): unknown {
  const parsed = parseJson(input);
  return parsed.ok ? parsed.value : input;
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}
