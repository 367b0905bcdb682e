/**
 * Target input: what body a target receives for an event (Input, InputPath, InputTransformer)
 * and the PutTargets-time checks of those settings. Pure: no I/O, no clock.
 */
export type { TargetInputConfig, RuleContext, JsonPathResult } from './types.js';
export { TargetInputError } from './types.js';
export { renderTargetInput } from './render.js';
export { validateTargetInput } from './validate.js';
export { evaluateJsonPath } from './jsonPath.js';
export { PREDEFINED_VARIABLES } from './predefinedVariables.js';
