import { LimitExceededException, ManagedRuleException, ValidationException } from '../../../errors.js';
import { limits } from '../../../limits.js';
import { getRule } from '../domain/rules.js';
import { checkTargetArn } from '../domain/targets.js';
import { validateTargetInput } from '../../../engine/transform/index.js';
import type { TargetRecord } from '../../../store/schema.js';
import type { Action } from './types.js';

interface Input {
  Rule: string;
  EventBusName?: string;
  Targets: TargetRecord[];
}

interface FailedEntry {
  TargetId: string;
  ErrorCode: string;
  ErrorMessage: string;
}

export const putTargets: Action = async (ctx, input: Input) => {
  const rule = getRule(ctx.ns, input.Rule, input.EventBusName);
  // A managed rule cannot be modified by PutTargets (API reference, ManagedRuleException); no
  // Force here. The message is the emulator's: no AWS answer to this call has been seen.
  if (rule.managedBy) throw new ManagedRuleException(`Rule ${rule.name} is managed by ${rule.managedBy} and cannot be changed.`);
  // Request-level checks first: any of these fails the whole call and changes nothing.
  for (const target of input.Targets) checkTargetInput(target);

  const failed: FailedEntry[] = [];
  const accepted: TargetRecord[] = [];
  const owner = { account: ctx.account, findNamespace: (account: string, region: string) => ctx.store.findNamespace(account, region) };
  for (const target of input.Targets) {
    const failure = checkTargetArn(owner, target.Arn);
    if (failure) failed.push({ TargetId: target.Id, ...failure });
    else accepted.push(target);
  }
  // The quota counts the targets the rule would have: existing ones plus new Ids that are
  // accepted (an entry that fails is not added, so it does not count). Over it, nothing changes.
  const ids = new Set([...rule.targets.map((t) => t.Id), ...accepted.map((t) => t.Id)]);
  if (ids.size > limits.targetsPerRule) {
    throw new LimitExceededException('The requested resource exceeds the maximum number allowed.');
  }
  for (const target of accepted) {
    // Re-using an Id replaces that target in place (last write wins).
    const at = rule.targets.findIndex((t) => t.Id === target.Id);
    if (at >= 0) rule.targets[at] = target;
    else rule.targets.push(target);
  }
  ctx.rulesChanged(ctx.ns, rule.eventBusName, rule.name);
  ctx.store.changed(ctx.ns, 'rules', rule.eventBusName, rule.name);
  await ctx.store.persistChanges();
  // Both members are present even when nothing failed (observed on AWS).
  return { FailedEntryCount: failed.length, FailedEntries: failed };
};

function checkTargetInput(target: TargetRecord): void {
  // An SQS FIFO queue needs a MessageGroupId. AWS's answer, quoted in public reports
  // (hashicorp/terraform#20263, awslabs/aws-ddk#183), fails the whole request.
  if (isFifoQueueArn(target.Arn) && target.SqsParameters === undefined) {
    throw new ValidationException(`Parameter(s) SqsParameters must be specified for target: ${target.Id}.`);
  }
  const given = ['Input', 'InputPath', 'InputTransformer'].filter((key) => target[key] !== undefined);
  if (given.length > 1) {
    throw new ValidationException(`Only one of Input, InputPath, or InputTransformer must be provided for target ${target.Id}.`);
  }
  const problem = validateTargetInput(target as Parameters<typeof validateTargetInput>[0], target.Id);
  if (problem) throw new ValidationException(problem);
}

function isFifoQueueArn(arn: string): boolean {
  return arn.startsWith('arn:') && arn.split(':')[2] === 'sqs' && arn.endsWith('.fifo');
}
