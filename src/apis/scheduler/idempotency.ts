/**
 * ClientToken, where the model marks it `idempotencyToken` (CreateSchedule, UpdateSchedule,
 * DeleteSchedule, CreateScheduleGroup, DeleteScheduleGroup). The SDKs and the CLI fill one in
 * and send the same one on a retry, so a retry of a call that succeeded (its answer lost on the
 * way) gets that call's answer and changes nothing. Scheduler's guides do not say what a token
 * reused with other parameters gets; AWS's APIs that document it refuse it with a conflict (e.g.
 * Verified Permissions: ConflictException), and ConflictException (409) is the one such error
 * in Scheduler's model, so that is the answer here. A token is remembered for 8 hours of
 * virtual time (the span AWS documents for other APIs' client tokens; Scheduler's is not
 * documented) and for at most `maxTokens` calls per account and Region.
 */
import { createHash } from 'node:crypto';
import { AwsError } from '../../errors.js';
import { table } from '../../store/schema.js';
import { schedulerOf } from './state.js';
import type { SchedulerContext } from './operations.js';

type Input = Record<string, unknown>;
type Operation = (ctx: SchedulerContext, input: Input) => object;

const tokenLifeMs = 8 * 3600_000;
const maxTokens = 1000;

export function withClientToken(operation: string, run: Operation): Operation {
  return (ctx, input) => {
    const token = typeof input.ClientToken === 'string' ? input.ClientToken : undefined;
    if (token === undefined) return run(ctx, input);
    const state = schedulerOf(ctx.ns, ctx.now);
    const tokens = (state.clientTokens ??= table());
    const request = fingerprint(operation, input);
    const seen = tokens[token];
    if (seen && ctx.now - seen.at < tokenLifeMs) {
      if (seen.request === request) return seen.response;
      throw new AwsError('ConflictException', `The ClientToken ${token} was already used for a different request.`, 409);
    }
    const response = run(ctx, input);
    delete tokens[token];
    tokens[token] = { operation, request, response, at: ctx.now };
    ctx.saved('clientTokens', token);
    for (const old of forgetOld(tokens, ctx.now)) ctx.saved('clientTokens', old);
    return response;
  };
}

/**
 * The operation and every member but the token, keys sorted at every level, hashed: the SDKs send a
 * token with every call, so state.json keeps up to 1000 of these per namespace, not the requests.
 */
function fingerprint(operation: string, input: Input): string {
  const { ClientToken: _token, ...rest } = input;
  return createHash('sha256').update(operation + ' ' + JSON.stringify(sorted(rest))).digest('base64url');
}

function sorted(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sorted);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = table();
  for (const key of Object.keys(value).sort()) out[key] = sorted((value as Record<string, unknown>)[key]);
  return out;
}

/** Forget expired tokens and those past `maxTokens`, oldest first; returns the ones forgotten. */
function forgetOld(tokens: Record<string, { at: number }>, now: number): string[] {
  const keys = Object.keys(tokens);
  const forgotten: string[] = [];
  let excess = keys.length - maxTokens;
  for (const key of keys) {
    if (excess <= 0 && now - tokens[key].at < tokenLifeMs) break;
    delete tokens[key];
    forgotten.push(key);
    excess--;
  }
  return forgotten;
}
