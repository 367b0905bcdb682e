import { ValidationException } from '../../../errors.js';
import { getEventBus } from '../domain/eventBuses.js';
import { checkPolicy, parsePolicy, serializePolicy, type PolicyStatement } from '../domain/permissions.js';
import type { Action } from './types.js';

interface Input {
  EventBusName?: string;
  Action?: string;
  Principal?: string;
  StatementId?: string;
  Condition?: { Type: string; Key: string; Value: string };
  Policy?: string;
}

export const putPermission: Action = async (ctx, input: Input) => {
  const bus = getEventBus(ctx.ns, input.EventBusName);
  let policy: string | undefined;
  if (input.Policy !== undefined) {
    policy = replaceWholePolicy(input.Policy);
  } else {
    if (input.Action === undefined || input.Principal === undefined || input.StatementId === undefined) {
      throw new ValidationException('Parameter(s) Action, Principal and StatementId must be specified when Policy is not.');
    }
    if (input.Action !== 'events:PutEvents') throw new ValidationException(`Provided Action '${input.Action}' is not supported.`);
    const doc = parsePolicy(bus.policy);
    const statement: PolicyStatement = {
      Sid: input.StatementId,
      Effect: 'Allow',
      Principal: input.Principal === '*' ? '*' : { AWS: `arn:aws:iam::${input.Principal}:root` },
      Action: 'events:PutEvents',
      Resource: bus.arn,
    };
    if (input.Condition) statement.Condition = { [input.Condition.Type]: { [input.Condition.Key]: input.Condition.Value } };
    // A statement id that exists is replaced.
    doc.Statement = [...doc.Statement.filter((s) => s.Sid !== input.StatementId), statement];
    policy = serializePolicy(doc);
  }
  bus.policy = policy;
  bus.lastModifiedTime = ctx.clock.now();
  ctx.store.changed(ctx.ns, 'eventBuses', bus.name);
  await ctx.store.persistChanges();
};

function replaceWholePolicy(text: string): string | undefined {
  return serializePolicy(checkPolicy(text));
}
