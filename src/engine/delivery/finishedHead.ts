/**
 * The head of a finished-delivery record (see finishedText in history.ts): the status, times,
 * seq and the job's fields other than target, event and payload, as JSON, the same text
 * JSON.stringify gives for
 *   {s, f, q, d?, j: {id, account, region, ruleArn, ruleName, eventBusName, hops, createdAt,
 *                     nextAttemptAt, attempts, httpParametersResolved?, invocation?}}
 * (undefined fields left out, a non-finite number written as null).
 *
 * Built by hand because the five strings of the rule (account, region, ruleArn, ruleName,
 * eventBusName) are the same for every job of one rule target and take most of the
 * stringify's time: they are written once per target object and reused while they match.
 * In process, the ingest bench's job: ~1.1 -> ~0.4 us per record.
 */
import type { AttemptRecord, DeliveryJob } from '../../store/schema.js';

const str = JSON.stringify;

interface RuleFields {
  account: string;
  region: string;
  ruleArn: string;
  ruleName: string;
  eventBusName: string;
  /** The fields as JSON members, between commas: `"account":...,"eventBusName":...`. */
  text: string;
}

/** By target object: all jobs of one rule target share it (PutTargets replaces targets, never changes one). */
const ruleFieldTexts = new WeakMap<object, RuleFields>();

function ruleFieldsText(job: DeliveryJob): string {
  const known = ruleFieldTexts.get(job.target);
  // Checked, not trusted: a target object reused under another rule must not get this one's fields.
  if (known && known.ruleArn === job.ruleArn && known.account === job.account && known.region === job.region && known.ruleName === job.ruleName && known.eventBusName === job.eventBusName) return known.text;
  const { account, region, ruleArn, ruleName, eventBusName } = job;
  const text = str({ account, region, ruleArn, ruleName, eventBusName }).slice(1, -1);
  ruleFieldTexts.set(job.target, { account, region, ruleArn, ruleName, eventBusName, text });
  return text;
}

/** `,"name":value` as JSON.stringify writes a member: nothing for undefined, null for a non-finite number. */
function member(name: string, value: unknown): string {
  if (value === undefined) return '';
  if (typeof value === 'number') return `,"${name}":${Number.isFinite(value) ? value : 'null'}`;
  return `,"${name}":${str(value)}`;
}

const number = (n: number) => (Number.isFinite(n) ? n : 'null');

/**
 * The attempts as JSON.stringify writes them, for attempts whose keys are in AttemptRecord's order
 * (every attempt the engine makes, and those the journal gives back as it wrote them). The
 * stringify of a one-attempt list was half the head's time: it visits the five undefined members
 * of every attempt; here they are one comparison each.
 */
export function attemptsText(attempts: readonly AttemptRecord[]): string {
  if (!Array.isArray(attempts)) return str(attempts);
  let text = '[';
  for (let i = 0; i < attempts.length; i++) {
    const a = attempts[i]!;
    if (i > 0) text += ',';
    if (a === null || typeof a !== 'object' || typeof a.ok !== 'boolean' || typeof a.at !== 'number' || typeof a.latencyMs !== 'number') {
      text += str(a) ?? 'null';
      continue;
    }
    text += `{"at":${number(a.at)},"latencyMs":${number(a.latencyMs)},"ok":${a.ok}`;
    if (a.statusCode !== undefined || a.errorCode !== undefined || a.errorMessage !== undefined || a.request !== undefined || a.response !== undefined) {
      text += `${member('statusCode', a.statusCode)}${member('errorCode', a.errorCode)}${member('errorMessage', a.errorMessage)}${member('request', a.request)}${member('response', a.response)}`;
    }
    text += '}';
  }
  return `${text}]`;
}

export function finishedHead(job: DeliveryJob, status: number, finishedAt: number, seq: number, deadLetterQueueArn: string | undefined): string {
  const { hops, createdAt, nextAttemptAt, attempts } = job;
  // The usual record in one template, without a string per member; anything else member by member.
  const numbers = typeof finishedAt === 'number' && typeof seq === 'number' && typeof hops === 'number' && typeof createdAt === 'number' && typeof nextAttemptAt === 'number';
  const middle = numbers
    ? `{"s":${status},"f":${number(finishedAt)},"q":${number(seq)}${member('d', deadLetterQueueArn)},"j":{"id":${str(job.id)},${ruleFieldsText(job)},"hops":${number(hops)},"createdAt":${number(createdAt)},"nextAttemptAt":${number(nextAttemptAt)}`
    : `{"s":${status}${member('f', finishedAt)}${member('q', seq)}${member('d', deadLetterQueueArn)},"j":{"id":${str(job.id)},${ruleFieldsText(job)}${member('hops', hops)}${member('createdAt', createdAt)}${member('nextAttemptAt', nextAttemptAt)}`;
  const tail = job.httpParametersResolved === undefined && job.invocation === undefined ? '}}' : `${member('httpParametersResolved', job.httpParametersResolved)}${member('invocation', job.invocation)}}}`;
  return attempts === undefined ? `${middle}${tail}` : `${middle},"attempts":${attemptsText(attempts)}${tail}`;
}
