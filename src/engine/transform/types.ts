/** The members of a Target that decide what body the target receives (PutTargets wire names). */
export interface TargetInputConfig {
  Input?: string;
  InputPath?: string;
  InputTransformer?: {
    InputPathsMap?: Record<string, string>;
    InputTemplate: string;
  };
}

/** What the predefined `aws.events.*` template variables are made of. */
export interface RuleContext {
  ruleArn: string;
  ruleName: string;
  /** ISO-8601, exactly as it should appear in the rendered body. */
  ingestionTime: string;
  /**
   * Shared by the targets of one event, so the whole event is serialized once, not per target;
   * `write` makes the text (JSON.stringify without it).
   */
  eventJson?: { text?: string; write?: (event: never) => string };
}

/** The outcome of evaluating a JSONPath: `found: false` when the path selects nothing. */
export interface JsonPathResult {
  found: boolean;
  value?: unknown;
}

/**
 * Thrown by renderTargetInput when AWS would not deliver the event to the target at all,
 * e.g. an InputTransformer whose JSON template renders to invalid JSON. The delivery engine
 * records it as a failed invocation (it is not retried: the same event renders the same way).
 */
export class TargetInputError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'TargetInputError';
  }
}
