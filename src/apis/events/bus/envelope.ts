import { JsonObjectText } from '../../../engine/patterns/index.js';
import { rememberLast } from '../../../util/rememberLast.js';
import { isStringifiedForm } from '../../../util/stringifiedForm.js';

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
 * this text (JsonObjectText: the rules read only the paths they name). It is parsed when a matched
 * rule's target reads the event's fields (EventRouter.deliver), or when the event's JSON cannot
 * take the text as it is (envelopeJson). Else the text is what targets receive, and the
 * recent-events list reads it as JSON (toJSON); at high rates it drops them unread. (Profiles of
 * the ingest bench: JSON.parse of every Detail was the largest part of our own CPU without
 * targets; with whole-event targets, parsing it and writing it out again was ~15 % of routing.)
 */
export class UnparsedDetail extends JsonObjectText {}

/**
 * The event's JSON, as JSON.stringify writes the event with its Detail parsed. A Detail still as
 * text that JSON.stringify would write back as it is (isStringifiedForm: the usual case, an SDK
 * user's JSON.stringify) goes in as it is, and stays unparsed.
 */
export function envelopeJson(event: EventEnvelope): string {
  const detail = event.detail;
  if (!(detail instanceof UnparsedDetail)) return JSON.stringify(event);
  if (!isStringifiedForm(detail.text)) {
    event.detail = detail.parse();
    return JSON.stringify(event);
  }
  // `detail` is the envelope's last key (envelopeOf, the only maker of an UnparsedDetail): its
  // text goes where JSON.stringify would write the value. Undefined, the key is left out.
  event.detail = undefined;
  const head = JSON.stringify(event);
  event.detail = detail;
  return `${head.slice(0, -1)},"detail":${detail.text}}`;
}

// Events arrive many to the second: format each second once.
const secondText = rememberLast((second: number) => new Date(second * 1000).toISOString().replace('.000Z', 'Z'));

export function formatEventTime(ms: number): string {
  return secondText(Math.floor(ms / 1000));
}
