import { getEventBus } from '../domain/eventBuses.js';
import type { DeadLetterConfig, LogConfig } from '../../../store/schema.js';
import type { Action } from './types.js';

interface Input {
  Name?: string;
  KmsKeyIdentifier?: string;
  Description?: string;
  DeadLetterConfig?: DeadLetterConfig;
  LogConfig?: LogConfig;
}

export const updateEventBus: Action = async (ctx, input: Input) => {
  const bus = getEventBus(ctx.ns, input.Name);
  if (input.Description !== undefined) bus.description = input.Description;
  if (input.KmsKeyIdentifier !== undefined) bus.kmsKeyIdentifier = input.KmsKeyIdentifier || undefined;
  if (input.DeadLetterConfig !== undefined) bus.deadLetterConfig = input.DeadLetterConfig.Arn ? input.DeadLetterConfig : undefined;
  if (input.LogConfig !== undefined) bus.logConfig = input.LogConfig;
  bus.lastModifiedTime = ctx.clock.now();
  ctx.store.changed(ctx.ns, 'eventBuses', bus.name);
  await ctx.store.persistChanges();
  return {
    Arn: bus.arn,
    Name: bus.name,
    KmsKeyIdentifier: bus.kmsKeyIdentifier,
    Description: bus.description,
    DeadLetterConfig: bus.deadLetterConfig,
    LogConfig: bus.logConfig,
  };
};
