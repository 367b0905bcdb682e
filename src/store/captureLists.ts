/**
 * The captures of each target, newest kept: per target at most `max` of them (as the first append
 * under its key says) and at most `maxBytes` in all (the oldest go first), as UTF-8 in a TextRing, outside the JS heap.
 *
 * Why not objects: at thousands of captures a second, a target's last 1,000 live some tens of ms,
 * long enough for a young collection to copy them with their payloads. Kept as objects they cost
 * the ingest bench 12-13 % of the server's CPU per request with deliveries, against 10 kept per
 * target (docs/performance.md, 2026-12-03 #3). A record is written once and read only when the
 * inspection API or a snapshot asks.
 *
 * A record is the capture's other fields as JSON, a newline, and the payload as sent (not escaped
 * into a JSON string, so that it is written as one part, and read back by a slice).
 */
import { TextRing } from '../util/textRing.js';
import { isWellTypedCapture, jsonNumber } from './captureLine.js';
import type { CapturedPayload } from './schema.js';

const str = JSON.stringify;

interface TargetList {
  ring: TextRing;
  /** The fields shared by consecutive captures (a target's captures come from one rule and one target object). */
  targetArn: string;
  targetId: string;
  ruleArn: string;
  parameters: Record<string, unknown> | undefined;
  /** `{"targetArn":...,"targetId":...,"ruleArn":...,"parameters":...,"eventId":` for them. */
  head: string;
}

export class CaptureLists {
  private readonly lists = new Map<string, TargetList>();

  constructor(private readonly maxBytes: number) {}

  append(key: string, capture: CapturedPayload, max: number): void {
    let list = this.lists.get(key);
    if (!list) this.lists.set(key, (list = { ring: new TextRing(max, this.maxBytes, Math.min(this.maxBytes, 64 * 1024)), targetArn: '', targetId: '', ruleArn: '', parameters: undefined, head: '' }));
    if (!isWellTypedCapture(capture)) {
      // Not a capture the senders make (a journal written by hand, say): kept whole, as JSON.
      list.ring.pushParts([`${str({ whole: capture })}\n`]);
      return;
    }
    if (list.head === '' || list.targetArn !== capture.targetArn || list.targetId !== capture.targetId || list.ruleArn !== capture.ruleArn || list.parameters !== capture.parameters) {
      list.targetArn = capture.targetArn;
      list.targetId = capture.targetId;
      list.ruleArn = capture.ruleArn;
      list.parameters = capture.parameters;
      list.head = `{"targetArn":${str(capture.targetArn)},"targetId":${str(capture.targetId)},"ruleArn":${str(capture.ruleArn)},"parameters":${str(capture.parameters)},"eventId":`;
    }
    list.ring.pushParts([`${list.head}${str(capture.eventId)},"at":${jsonNumber(capture.at)}}\n`, capture.payload]);
  }

  /** One target's captures, oldest first (new objects on each call); none for a key never captured. */
  list(key: string): CapturedPayload[] {
    const list = this.lists.get(key);
    if (!list) return [];
    return list.ring.toArray().map(parseCapture);
  }

  /** Every target's captures, by target, each oldest first. */
  entries(): Array<[string, CapturedPayload[]]> {
    return [...this.lists.keys()].map((key) => [key, this.list(key)]);
  }

  /** Captures kept, across targets. */
  get count(): number {
    let n = 0;
    for (const list of this.lists.values()) n += list.ring.size;
    return n;
  }

  clear(): void {
    this.lists.clear();
  }

  /** As the store's data holds them: by target, each oldest first. */
  toJSON(): Record<string, CapturedPayload[]> {
    return Object.fromEntries(this.entries());
  }
}

function parseCapture(text: string): CapturedPayload {
  const newline = text.indexOf('\n');
  const head = JSON.parse(text.slice(0, newline)) as { whole?: CapturedPayload } & Omit<CapturedPayload, 'payload'>;
  if (head.whole !== undefined) return head.whole;
  // In CapturedPayload's order, as the inspection API has always listed a capture's fields.
  return { targetArn: head.targetArn, targetId: head.targetId, ruleArn: head.ruleArn, eventId: head.eventId, at: head.at, payload: text.slice(newline + 1), parameters: head.parameters };
}
