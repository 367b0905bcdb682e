/**
 * Lambda functions without a Lambda runtime: the event is POSTed to a URL (`--lambda
 * <name or ARN>=http://...`), or a handler runs in this process (`createEmulator({ lambdas })`),
 * so a test can run its real handler code. The handler gets what Lambda would pass: the
 * target input parsed as JSON (the text itself when it is not JSON) and a context. A non-2xx
 * answer, a throw or a rejected promise is a failed attempt, retried per the RetryPolicy.
 */
import { outcomeOf } from './apiDestinationSender.js';
import type { HttpRequestSpec } from './httpRequest.js';
import type { HttpSend } from './httpClient.js';
import { lambdaFunctionName, type LambdaBinding, type LambdaContext, type LambdaHandler } from './serviceEndpoints.js';
import type { SendOutcome } from './senders.js';
import type { DeliveryJob } from '../../store/schema.js';
import type { Clock } from '../../util/clock.js';

export interface LambdaBindingDeps {
  send: HttpSend;
  timeoutMs: number;
  clock: Clock;
  uuid: () => string;
}

export function lambdaBindingSender(deps: LambdaBindingDeps): (job: DeliveryJob, binding: LambdaBinding) => Promise<SendOutcome> {
  return (job, binding) => (typeof binding === 'string' ? postTo(deps, job, binding) : runHandler(deps, job, binding));
}

async function postTo(deps: LambdaBindingDeps, job: DeliveryJob, url: string): Promise<SendOutcome> {
  const request: HttpRequestSpec = { method: 'POST', url, headers: { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(job.payload)) }, body: job.payload };
  const result = await deps.send(request, deps.timeoutMs);
  const outcome = outcomeOf(result, request, deps.clock.now(), deps.timeoutMs);
  if (outcome.errorMessage) outcome.errorMessage = outcome.errorMessage.replace('The API destination endpoint', `The function's URL`).replace('the API destination endpoint', `the function's URL`);
  if (result.kind === 'response') {
    outcome.answer = result.body.toString('utf8');
    outcome.response = { statusCode: result.status, body: outcome.answer.slice(0, 4096) };
  }
  return outcome;
}

async function runHandler(deps: LambdaBindingDeps, job: DeliveryJob, handler: LambdaHandler): Promise<SendOutcome> {
  const started = Date.now();
  const name = lambdaFunctionName(job.target.Arn) ?? job.target.Arn;
  const context: LambdaContext = {
    functionName: name,
    functionVersion: '$LATEST',
    invokedFunctionArn: job.target.Arn,
    awsRequestId: deps.uuid(),
    memoryLimitInMB: '128',
    logGroupName: `/aws/lambda/${name}`,
    logStreamName: 'eventbridge-local',
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, deps.timeoutMs - (Date.now() - started)),
  };
  const request = { function: name, invocationType: (job.target.PipeInvocationType as string | undefined) ?? 'Event', event: job.payload };
  let timer: NodeJS.Timeout | undefined;
  try {
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new HandlerTimeout()), deps.timeoutMs);
    });
    const result = await Promise.race([Promise.resolve().then(() => handler(parsedEvent(job.payload), context)), timedOut]);
    return { ok: true, request, response: { result: result === undefined ? null : result }, answer: result === undefined ? 'null' : JSON.stringify(result) };
  } catch (err) {
    if (err instanceof HandlerTimeout) {
      return { ok: false, errorCode: 'TIMEOUT', errorMessage: `The handler of ${name} did not finish within ${deps.timeoutMs / 1000} seconds.`, retryable: true, request };
    }
    const e = err as Error;
    return { ok: false, errorCode: 'ERROR_FROM_TARGET', errorMessage: `The handler of ${name} failed: ${e?.name ?? 'Error'}: ${e?.message ?? String(err)}`, retryable: true, request, response: { errorType: e?.name, errorMessage: e?.message } };
  } finally {
    clearTimeout(timer);
  }
}

class HandlerTimeout extends Error {}

function parsedEvent(payload: string): unknown {
  try {
    return JSON.parse(payload);
  } catch {
    return payload;
  }
}
