/**
 * Delivers a job to an API destination: find the destination and its connection, wait for
 * the destination's rate limit, get the connection's credentials, build the request
 * (httpRequest.ts), send it (httpClient.ts) and turn the answer into an outcome the engine
 * retries or dead-letters.
 *
 * Outcomes (User Guide, "API destination error codes" and "De-authorizing connections"):
 * 2xx delivered; 401, 407, 409, 429, 5xx and timeouts retried, with Retry-After honoured
 * by the engine's retry policy (the more conservative wins; negative stops retrying); any
 * other status not retried (3xx included: redirects are not followed); a 401/407
 * de-authorizes a Basic or API-key connection and refreshes an OAuth token. Connection
 * errors are retried; a host that does not resolve is not ("invalid address / DNS
 * failure" is among the failures AWS does not retry, User Guide "Using dead-letter queues").
 */
import { limits } from '../../limits.js';
import { parseArn, type ParsedArn } from '../../apis/events/domain/arns.js';
import { findApiDestinationByArn } from '../../apis/events/domain/apiDestinations.js';
import { findConnectionByArn } from '../../apis/events/domain/connections.js';
import type { ApiDestinationRecord, ConnectionRecord, DeliveryJob, NamespaceState } from '../../store/schema.js';
import type { Store } from '../../store/store.js';
import type { Clock } from '../../util/clock.js';
import type { ConnectionAuth } from './connectionAuth.js';
import type { HttpResult, HttpSend } from './httpClient.js';
import { buildInvocationRequest, isRetryableStatus, parseRetryAfter, type HttpRequestSpec, type TargetHttpParameters } from './httpRequest.js';
import type { InvocationRateLimiter } from './rateLimiter.js';
import type { SendOutcome, Sender } from './senders.js';
import { attemptResponse } from './attemptResponse.js';

export interface ApiDestinationSenderDeps {
  store: Store;
  clock: Clock;
  auth: ConnectionAuth;
  limiter: InvocationRateLimiter;
  send: HttpSend;
  timeoutMs: number;
  /** The emulator's own address: a destination there is not invoked (src/engine/delivery/ownEndpoint.ts). */
  isOwnEndpoint?: (url: string) => boolean;
}

export function apiDestinationSender(deps: ApiDestinationSenderDeps): Sender {
  // Everything up to the rate-limit decision is synchronous, so the decision is taken at
  // the clock time the engine attempts the job (even inside a virtual-clock advance).
  return (job) => {
    const arn = targetArnOf(job.target);
    // Never on another account's behalf (its connection's credentials): PutTargets refuses such a
    // target, and one from an older state file fails here.
    if (arn.account !== job.account) return failure('NO_PERMISSIONS', `API destination ${job.target.Arn} is not in account ${job.account}.`, false);
    const ns = deps.store.findNamespace(arn.account, arn.region);
    const dest = ns && findApiDestinationByArn(ns, job.target.Arn);
    if (!ns || !dest) {
      deps.limiter.forget(job.id);
      return failure('NO_RESOURCE', `API destination ${job.target.Arn} does not exist.`, false);
    }
    const admission = deps.limiter.admit(dest.arn, job.id, dest.invocationRateLimitPerSecond, deps.clock.now(), deadlineOf(job));
    if (!admission.go) {
      if ('until' in admission) return { ok: false, deferUntil: admission.until };
      // Retryable, so the engine's policy ends it with EXHAUSTED_RETRY_CONDITION MaximumEventAgeInSeconds.
      return failure('THROTTLING', `The invocation rate limit of ${dest.name} (${dest.invocationRateLimitPerSecond}/s) left no slot within the event's maximum age.`, true);
    }
    if (deps.isOwnEndpoint?.(dest.invocationEndpoint)) {
      return failure('INVALID_PARAMETER', `The endpoint of API destination ${dest.name} (${dest.invocationEndpoint}) is the emulator itself; it does not invoke itself (each call would be a new event no loop guard can follow).`, false);
    }
    const conn = findConnectionByArn(ns, dest.connectionArn);
    if (!conn) return failure('NO_RESOURCE', `Connection ${dest.connectionArn} of API destination ${dest.name} does not exist.`, false);
    if (conn.state !== 'AUTHORIZED' && conn.state !== 'ACTIVE') {
      // Retried: updating the connection with working credentials within the retry window lets the event through.
      return failure('NO_PERMISSIONS', `Connection ${conn.name} is ${conn.state}${conn.stateReason ? `: ${conn.stateReason}` : '.'}`, true);
    }
    return invoke(deps, ns, dest, conn, job);
  };
}

async function invoke(deps: ApiDestinationSenderDeps, ns: NamespaceState, dest: ApiDestinationRecord, conn: ConnectionRecord, job: DeliveryJob): Promise<SendOutcome> {
  const given = deps.auth.credentials(ns, conn);
  const credentials = given instanceof Promise ? await given : given;
  if (!credentials.ok) return failure('NO_PERMISSIONS', credentials.reason, true);
  const built = buildInvocationRequest({
    invocationEndpoint: dest.invocationEndpoint,
    httpMethod: dest.httpMethod,
    auth: credentials.header,
    connectionParameters: conn.authParameters?.InvocationHttpParameters,
    targetParameters: job.target.HttpParameters as TargetHttpParameters | undefined,
    event: job.event,
    payload: job.payload,
    ...(job.httpParametersResolved ? { parametersResolved: true } : {}),
  });
  if (!built.ok) return failure('INVALID_PARAMETER', built.reason, false);
  const result = await deps.send(built.request, deps.timeoutMs);
  // A Retry-After date was written by the server's wall clock: it is read against the real
  // one, and the delay it gives is then waited on the virtual clock.
  const outcome = outcomeOf(result, built.shown, deps.clock.wallNow(), deps.timeoutMs);
  if (result.kind === 'response') {
    outcome.response = attemptResponse(result.status, result.statusText, result.headers, result.body, secretsOf(credentials.header.value, conn));
    outcome.answer = result.body.toString('utf8');
  }
  if (result.kind === 'response' && (result.status === 401 || result.status === 407)) {
    await deps.auth.rejected(ns, conn, result.status, credentials.header);
  }
  return outcome;
}

export function outcomeOf(result: HttpResult, shown: HttpRequestSpec, wallNow: number, timeoutMs: number): SendOutcome {
  const request = shown;
  switch (result.kind) {
    case 'response': {
      const { status } = result;
      if (status >= 200 && status <= 299) return { ok: true, statusCode: status, request };
      const retryAfter = result.headers['retry-after'];
      return {
        ok: false,
        statusCode: status,
        errorCode: 'ERROR_FROM_TARGET',
        errorMessage: `The API destination endpoint answered HTTP ${status}${result.statusText ? ` ${result.statusText}` : ''}.`,
        retryable: isRetryableStatus(status),
        retryAfterMs: parseRetryAfter(Array.isArray(retryAfter) ? retryAfter[0] : retryAfter, wallNow),
        request,
      };
    }
    case 'timeout':
      return { ok: false, errorCode: 'TIMEOUT', errorMessage: `The API destination endpoint did not answer within ${timeoutMs / 1000} seconds.`, retryable: true, request };
    case 'connection':
      return { ok: false, errorCode: 'CONNECTION_FAILURE', errorMessage: `Could not connect to the API destination endpoint: ${result.message}`, retryable: true, request };
    case 'dns':
      return { ok: false, errorCode: 'CONNECTION_FAILURE', errorMessage: `The API destination endpoint's host does not resolve: ${result.message}`, retryable: false, request };
    case 'invalid':
      return { ok: false, errorCode: 'INVALID_PARAMETER', errorMessage: `The request could not be sent: ${result.message}`, retryable: false, request };
  }
}

/**
 * A target's ARN, parsed once per target object: every job of a rule shares its target object,
 * which is never changed (PutTargets replaces it; jobs read back from the journal share one per
 * configuration, DeliveryEngine.resume). The parsed ARN is only read.
 */
const parsedTargetArns = new WeakMap<DeliveryJob['target'], ParsedArn>();
function targetArnOf(target: DeliveryJob['target']): ParsedArn {
  let arn = parsedTargetArns.get(target);
  if (arn === undefined) parsedTargetArns.set(target, (arn = parseArn(target.Arn)!));
  return arn;
}

/** When the event's maximum age (RetryPolicy.MaximumEventAgeInSeconds, default 24 h) runs out. */
function deadlineOf(job: DeliveryJob): number {
  const maxAge = (job.target.RetryPolicy as { MaximumEventAgeInSeconds?: number } | undefined)?.MaximumEventAgeInSeconds;
  return job.createdAt + (maxAge ?? limits.defaultMaximumEventAgeSeconds) * 1000;
}

/** Every secret a request to this connection carries: masked wherever a response echoes it. */
function secretsOf(authValue: string, conn: ConnectionRecord): string[] {
  const params = conn.authParameters?.InvocationHttpParameters;
  const secret = [...(params?.HeaderParameters ?? []), ...(params?.QueryStringParameters ?? []), ...(params?.BodyParameters ?? [])]
    .filter((p) => p.IsValueSecret && p.Value)
    .map((p) => p.Value!);
  return [authValue, ...secret];
}

function failure(errorCode: string, errorMessage: string, retryable: boolean): SendOutcome {
  return { ok: false, errorCode, errorMessage, retryable };
}
