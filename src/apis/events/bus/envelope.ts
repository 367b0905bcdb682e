import { JsonObjectText } from '../../../engine/patterns/index.js';
import { rememberLast } from '../../../util/rememberLast.js';

/** The event as targets receive it, keys in the order AWS sends them. */
export interface EventEnvelope {
  version: '0';
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  /** `YYYY-MM-DDThh:mm:ssZ`: second precision, UTC. */
  time: string;
  region: string;
  'replay-name'?: string;
  resources: string[];
  detail: unknown;
}

/**
 * An entry's Detail known to be a JSON object (isJsonObjectText) and not parsed yet. Most events
 * on a bus with many rules meet no rule that could read them, and those that do are matched on
 * this text (JsonObjectText: the rules read only the paths they name); it is parsed only when a
 * matched rule has a target (EventRouter.deliver). Else only the recent-events list reads it, as
 * JSON (toJSON), and at high rates it drops them unread. (Profile of the ingest bench without
 * targets: JSON.parse of every Detail was the largest part of our own CPU.)
 */
export class UnparsedDetail extends JsonObjectText {
  parse(): Record<string, unknown> {
    return JSON.parse(this.text) as Record<string, unknown>;
  }

  toJSON(): unknown {
    return this.parse();
  }
}

// Events arrive many to the second: format each second once.
const secondText = rememberLast((second: number) => new Date(second * 1000).toISOString().replace('.000Z', 'Z'));

export function formatEventTime(ms: number): string {
  return secondText(Math.floor(ms / 1000));
}
