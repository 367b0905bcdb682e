import { ResourceNotFoundException } from '../../../errors.js';
import type { EventBusRecord, NamespaceState } from '../../../store/schema.js';
import { eventBusArn, parseEventBusNameOrArn } from './arns.js';
import { toEpochSeconds } from './time.js';

export const defaultBusName = 'default';

export function newEventBus(ns: Pick<NamespaceState, 'account' | 'region'>, name: string, now: number): EventBusRecord {
  return { name, arn: eventBusArn(ns.region, ns.account, name), creationTime: now, lastModifiedTime: now };
}

export const busNotFound = (name: string) => new ResourceNotFoundException(`Event bus ${name} does not exist.`);

/** The bus named by a name or ARN (default bus when omitted), or ResourceNotFoundException. */
export function getEventBus(ns: NamespaceState, nameOrArn: string | undefined): EventBusRecord {
  const name = busName(nameOrArn);
  const bus = ns.eventBuses[name];
  if (!bus) throw busNotFound(name);
  return bus;
}

export function busName(nameOrArn: string | undefined): string {
  return nameOrArn === undefined ? defaultBusName : parseEventBusNameOrArn(nameOrArn).name;
}

/** The wire form of a bus for Describe/List. */
export function eventBusToWire(bus: EventBusRecord) {
  return {
    Name: bus.name,
    Arn: bus.arn,
    Description: bus.description,
    KmsKeyIdentifier: bus.kmsKeyIdentifier,
    DeadLetterConfig: bus.deadLetterConfig,
    Policy: bus.policy,
    LogConfig: bus.logConfig,
    CreationTime: toEpochSeconds(bus.creationTime),
    LastModifiedTime: toEpochSeconds(bus.lastModifiedTime),
  };
}
