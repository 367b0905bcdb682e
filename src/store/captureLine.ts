/**
 * A capture's journal operation (`{"o":"c","k":...,"v":{capture},"max":N}`) as JSON, the same
 * text JSON.stringify gives for it (a capture's fields in CapturedPayload's order; a non-finite
 * number written as null). Built by hand because a target's captures share most of it: the
 * target ARN (twice), target id, rule ARN and parameter blocks are written once per target
 * and reused while they match; only the event id, time and payload are stringified per capture
 * (the payload once for consecutive captures of the same one).
 * In process, the ingest bench's capture: ~2.1 -> ~1.4 us per line.
 */
import type { CapturedPayload } from './schema.js';

const str = JSON.stringify;

interface TargetPart {
  targetArn: string;
  targetId: string;
  ruleArn: string;
  parameters: Record<string, unknown>;
  /** `{"o":"c","k":...,"v":{"targetArn":...,"targetId":...,"ruleArn":...,"eventId":` */
  head: string;
  /** `,"parameters":...}` */
  tail: string;
}

/** By list key (the target ARN). Checked on each use, not trusted: a key's captures may come from another rule. */
const targetParts = new Map<string, TargetPart>();
/**
 * At most this many keys are kept: a long-running emulator whose tests make a queue of their own
 * each time would otherwise keep one entry per ARN ever captured. Past it the cache starts again
 * (a cache: the texts are made again on the next capture of each key).
 */
export const maxTargetParts = 1024;

/** Keys cached now (tests). */
export const targetPartsCached = (): number => targetParts.size;

function targetPart(key: string, c: CapturedPayload): TargetPart {
  const known = targetParts.get(key);
  if (known && known.targetArn === c.targetArn && known.targetId === c.targetId && known.ruleArn === c.ruleArn && known.parameters === c.parameters) return known;
  const part: TargetPart = {
    targetArn: c.targetArn,
    targetId: c.targetId,
    ruleArn: c.ruleArn,
    parameters: c.parameters,
    head: `{"o":"c","k":${str(key)},"v":{"targetArn":${str(c.targetArn)},"targetId":${str(c.targetId)},"ruleArn":${str(c.ruleArn)},"eventId":`,
    tail: `,"parameters":${str(c.parameters)}}`,
  };
  if (targetParts.size >= maxTargetParts && !targetParts.has(key)) targetParts.clear();
  targetParts.set(key, part);
  return part;
}

/** A number as JSON.stringify writes it (null when not finite). */
export const jsonNumber = (n: number): string => (Number.isFinite(n) ? String(n) : 'null');

/**
 * The last payload written and its JSON: an event's targets are delivered one after another and
 * most get the same payload (the event), so each event's payload is escaped once, not per target.
 */
let lastPayload = '';
let lastPayloadJson = '""';

function payloadJson(payload: string): string {
  if (payload !== lastPayload) {
    lastPayloadJson = str(payload);
    lastPayload = payload;
  }
  return lastPayloadJson;
}

export function captureLine(key: string, capture: CapturedPayload, max: number): string {
  if (!isWellTypedCapture(capture)) return str({ o: 'c', k: key, v: capture, max });
  const part = targetPart(key, capture);
  return `${part.head}${str(capture.eventId)},"at":${jsonNumber(capture.at)},"payload":${payloadJson(capture.payload)}${part.tail},"max":${jsonNumber(max)}}`;
}

/** Every field of the type it is declared with (the hand-built text has no way to leave one out, as JSON.stringify does an undefined). */
export function isWellTypedCapture(c: CapturedPayload): boolean {
  return (
    typeof c === 'object' && c !== null &&
    typeof c.targetArn === 'string' && typeof c.targetId === 'string' && typeof c.ruleArn === 'string' && typeof c.eventId === 'string' &&
    typeof c.at === 'number' && typeof c.payload === 'string' && typeof c.parameters === 'object' && c.parameters !== null
  );
}
