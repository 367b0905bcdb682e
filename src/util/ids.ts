import { randomUUID } from 'node:crypto';

/** Identifier source, injectable so tests can make ids predictable. */
export interface Ids {
  uuid(): string;
}

export const randomIds: Ids = { uuid: () => randomUUID() };
