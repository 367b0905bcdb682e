import { evaluateJsonPath } from './jsonPath.js';
import { predefinedValues } from './predefinedVariables.js';
import { renderTemplate } from './template.js';
import { TargetInputError, type RuleContext, type TargetInputConfig } from './types.js';

/**
 * The body a target receives for one event, as the string that goes on the wire:
 * - no input configuration: the whole event as JSON;
 * - `Input`: the constant text, verbatim (PutTargets already checked it is JSON);
 * - `InputPath`: the selected part of the event as JSON (a string value keeps its quotes:
 *   recorded on AWS, `$.detail.payload.sf_id` delivers `"baz"`);
 * - `InputTransformer`: the rendered InputTemplate (see template.ts).
 *
 * Throws TargetInputError when AWS would not deliver to this target at all.
 */
export function renderTargetInput(event: object, cfg: TargetInputConfig, ctx: RuleContext): string {
  if (typeof cfg.Input === 'string') return cfg.Input;
  if (typeof cfg.InputPath === 'string') return renderInputPath(event, cfg.InputPath);
  if (cfg.InputTransformer) return renderInputTransformer(event, cfg.InputTransformer, ctx);
  if (ctx.eventJson) return (ctx.eventJson.text ??= ctx.eventJson.write ? ctx.eventJson.write(event as never) : JSON.stringify(event));
  return JSON.stringify(event);
}

function renderInputPath(event: object, path: string): string {
  const selected = evaluateJsonPath(event, path);
  // Not documented. We treat a path that selects nothing as undeliverable rather than invent
  // a body (an empty string or `null`); the delivery record says why.
  if (!selected.found) throw new TargetInputError(`InputPath ${path} selects nothing in the event`);
  return JSON.stringify(selected.value);
}

function renderInputTransformer(
  event: object,
  transformer: NonNullable<TargetInputConfig['InputTransformer']>,
  ctx: RuleContext,
): string {
  const values = new Map<string, unknown>();
  for (const [name, path] of Object.entries(transformer.InputPathsMap ?? {})) {
    const selected = evaluateJsonPath(event, path);
    values.set(name, selected.found ? selected.value : undefined);
  }
  // Set last: predefined variables "can't be overwritten" (User Guide).
  for (const [name, value] of predefinedValues(event, ctx)) values.set(name, value);
  return renderTemplate(transformer.InputTemplate, values);
}
