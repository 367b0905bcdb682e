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

// Events arrive many to the second: format each second once.
const secondText = rememberLast((second: number) => new Date(second * 1000).toISOString().replace('.000Z', 'Z'));

export function formatEventTime(ms: number): string {
  return secondText(Math.floor(ms / 1000));
}
