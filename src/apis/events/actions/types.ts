import type { Store } from '../../../store/store.js';
import type { Clock } from '../../../util/clock.js';
import type { Ids } from '../../../util/ids.js';
import type { Logger } from '../../../util/log.js';
import type { NamespaceState } from '../../../store/schema.js';
import type { EventRouter } from '../bus/router.js';
import type { ReplayRunner } from '../replay/replayRunner.js';
import type { ConnectionAuth } from '../../../engine/delivery/connectionAuth.js';

/** Everything an action may use. Actions never see HTTP. */
export interface ActionContext {
  account: string;
  region: string;
  store: Store;
  clock: Clock;
  ids: Ids;
  log: Logger;
  requestId: string;
  /** The caller's (account, region) namespace. */
  ns: NamespaceState;
  /** Tell the runtime (rule index, scheduler) that rules of this bus changed (this one rule, when named). */
  rulesChanged(ns: NamespaceState, bus: string, rule?: string): void;
  /** Puts events on buses: matching, then the delivery engine. */
  router: EventRouter;
  /** Runs replays on the clock. */
  replays: ReplayRunner;
  /** Connection authorization (shared with the API-destination sender) and the --strict setting. */
  apiDestinations: { strict: boolean; auth: ConnectionAuth };
}

/** An operation handler: validated wire input in, wire output out (undefined = empty body). */
export type Action = (ctx: ActionContext, input: any) => Promise<object | void> | object | void;

/**
 * An output that spells its own JSON: exactly the text JSON.stringify makes of it, sent by the
 * wire instead. For the hot path's answers only (a PutEvents' JSON.stringify was ~9 % of the call's
 * CPU in process; its answer is ids that need no escaping, spelled by concatenation).
 */
export abstract class SpelledOutput {
  abstract json(): string;
}
