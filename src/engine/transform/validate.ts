import { findJsonSyntaxError } from './jsonSyntax.js';
import { isPredefinedVariable } from './predefinedVariables.js';
import { isJsonObjectTemplate, placeholderNames } from './template.js';
import type { TargetInputConfig } from './types.js';

/**
 * PutTargets-time checks of a target's input that the API model cannot express. The model's
 * own constraints (Input ≤ 8192, InputPath ≤ 256, ≤ 100 InputPathsMap entries with keys
 * `[A-Za-z0-9_-]+` of 1–256 chars, InputTemplate 1–8192) belong to the shape validator.
 * JSONPaths are not checked: "There is no validation when creating JSON path for your
 * template" (User Guide, common issues).
 *
 * Returns the ValidationException message, worded as AWS words it, or undefined.
 */
export function validateTargetInput(cfg: TargetInputConfig, targetId = ''): string | undefined {
  return exclusivityError(cfg, targetId) ?? inputJsonError(cfg, targetId) ?? placeholderError(cfg, targetId) ?? jsonOnlyPlaceholderError(cfg, targetId);
}

/** The predefined variables that hold JSON and "can only be used as a value for a JSON field" (User Guide). */
const jsonOnlyVariables = new Set(['aws.events.event', 'aws.events.event.json']);

function isSet(value: unknown): boolean {
  return value !== undefined && value !== null;
}

function exclusivityError(cfg: TargetInputConfig, targetId: string): string | undefined {
  const provided = [cfg.Input, cfg.InputPath, cfg.InputTransformer].filter(isSet).length;
  // Recorded on AWS (2024-05) for InputPath together with InputTransformer.
  return provided > 1 ? `Only one of Input, InputPath, or InputTransformer must be provided for target ${targetId}.` : undefined;
}

/** Jackson truncates the echoed source after 500 characters. */
const MAX_ECHOED_SOURCE = 500;

function inputJsonError(cfg: TargetInputConfig, targetId: string): string | undefined {
  if (typeof cfg.Input !== 'string') return undefined;
  const location = findJsonSyntaxError(cfg.Input);
  if (!location) return undefined;
  const overflow = cfg.Input.length - MAX_ECHOED_SOURCE;
  const source = overflow > 0 ? `"${cfg.Input.slice(0, MAX_ECHOED_SOURCE)}"[truncated ${overflow} chars]` : `"${cfg.Input}"`;
  // Wording from AWS answers quoted in aws/aws-cli#6711 (2022): Jackson's location only.
  return `JSON syntax error in input for target ${targetId}: [Source: (String)${source}; line: ${location.line}, column: ${location.column}]`;
}

function placeholderError(cfg: TargetInputConfig, targetId: string): string | undefined {
  const transformer = cfg.InputTransformer;
  if (!transformer || typeof transformer.InputTemplate !== 'string') return undefined;
  const defined = new Set(Object.keys(transformer.InputPathsMap ?? {}));
  const invalid = placeholderNames(transformer.InputTemplate).find((name) => !defined.has(name) && !isPredefinedVariable(name));
  // Recorded on AWS (2024-06): `<notdefinedkey>` with no such InputPathsMap key.
  return invalid === undefined ? undefined : `InputTemplate for target ${targetId} contains invalid placeholder ${invalid}.`;
}

function jsonOnlyPlaceholderError(cfg: TargetInputConfig, targetId: string): string | undefined {
  const template = cfg.InputTransformer?.InputTemplate;
  if (typeof template !== 'string') return undefined;
  const jsonOnly = placeholderNames(template).find((name) => jsonOnlyVariables.has(name));
  if (jsonOnly === undefined || isJsonObjectTemplate(template)) return undefined;
  // AWS's answer as measured on PutTargets (2026-09, quoted by a third-party CloudFormation
  // preflight rule) for aws.events.event.json; the same wording for aws.events.event is assumed.
  return `InputTemplate for target ${targetId} contains placeholder ${jsonOnly} valid only for JSON template.`;
}
