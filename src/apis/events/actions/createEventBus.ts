import { LimitExceededException, ResourceAlreadyExistsException, ValidationException } from '../../../errors.js';
import { limits } from '../../../limits.js';
import { newEventBus } from '../domain/eventBuses.js';
import { markAssociated, sourceForPartnerBus } from '../domain/partnerSources.js';
import { applyTags, type WireTag } from '../domain/tags.js';
import type { DeadLetterConfig, LogConfig } from '../../../store/schema.js';
import type { Action } from './types.js';

interface Input {
  Name: string;
  EventSourceName?: string;
  Description?: string;
  KmsKeyIdentifier?: string;
  DeadLetterConfig?: DeadLetterConfig;
  LogConfig?: LogConfig;
  Tags?: WireTag[];
}

export const createEventBus: Action = async (ctx, input: Input) => {
  const { ns } = ctx;
  if (ns.eventBuses[input.Name]) throw new ResourceAlreadyExistsException(`Event bus ${input.Name} already exists.`);
  // A partner event bus: named after a PENDING partner event source offered to this account.
  const source = input.EventSourceName === undefined ? undefined : sourceForPartnerBus(ctx.store, ns, input.Name, input.EventSourceName, ctx.clock.now());
  // Observed text (aws-sdk-js-v3#4788): the aws. prefix is reserved for partner buses.
  if (!source && input.Name.startsWith('aws.')) throw new ValidationException("EventBus name starting with 'aws.' is not valid.");
  if (!source && input.Name.includes('/')) {
    // The model's pattern allows '/', but only partner buses (named after their source) may use it.
    throw new ValidationException(`Event bus name ${input.Name} is not valid: only partner event buses may contain '/'.`);
  }
  if (Object.keys(ns.eventBuses).length >= limits.eventBusesPerAccount) {
    throw new LimitExceededException('The requested resource exceeds the maximum number allowed.');
  }
  const bus = newEventBus(ns, input.Name, ctx.clock.now());
  bus.description = input.Description;
  bus.kmsKeyIdentifier = input.KmsKeyIdentifier;
  bus.deadLetterConfig = input.DeadLetterConfig;
  bus.logConfig = input.LogConfig;
  applyTags(ns, bus.arn, input.Tags);
  if (source) {
    bus.eventSourceName = source.name;
    markAssociated(source);
  }
  ns.eventBuses[bus.name] = bus;
  ctx.store.changed(ns, 'eventBuses', bus.name);
  ctx.store.changed(ns, 'tags', bus.arn);
  // A partner bus marks its source associated (sourceForPartnerBus): not named here, so written whole.
  await (source ? ctx.store.persist() : ctx.store.persistChanges());
  return {
    EventBusArn: bus.arn,
    Description: bus.description,
    KmsKeyIdentifier: bus.kmsKeyIdentifier,
    DeadLetterConfig: bus.deadLetterConfig,
    LogConfig: bus.logConfig,
  };
};
