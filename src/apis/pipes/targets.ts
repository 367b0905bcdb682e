/**
 * A pipe's target step: `createPipeTarget(pipe, deps)` gives the PipeTargetDelivery the runner
 * calls with the events of one batch (after the filter and the enrichment). Every call makes ONE
 * attempt and answers delivered / failed / partial: retries belong to the source (contract.ts).
 *
 * Delivery goes through the senders rule targets use (src/delivery: API destinations with their
 * connection's auth and rate limit, AWS services where an endpoint is configured, the emulator's
 * own event buses, and captures for the rest), each target kind getting what AWS documents
 * (User Guide, "Amazon EventBridge Pipes targets", "Batching and concurrency"):
 *
 * - Lambda and Step Functions "do not have a batch API": the whole batch goes in ONE invocation,
 *   as a JSON array (even of one event). Invoked synchronously by default
 *   (InvocationType REQUEST_RESPONSE; Step Functions: StartSyncExecution, EXPRESS only); a
 *   synchronous answer `{"batchItemFailures":[{"itemIdentifier":...}]}` fails just those items.
 * - Every other kind gets one call per event, each event its own message / record / request:
 *   SQS SendMessage (SqsQueueParameters.MessageGroupId, MessageDeduplicationId), SNS Publish,
 *   Kinesis PutRecord (KinesisStreamParameters.PartitionKey), Firehose PutRecord, CloudWatch Logs
 *   PutLogEvents (CloudWatchLogsParameters.LogStreamName, Timestamp), an event bus (one event
 *   per pipe event: EventBridgeEventBusParameters), API destinations (HttpParameters), and the
 *   captured kinds (ECS, Batch, SageMaker, Redshift, Timestream ...: the rendered input and the
 *   TargetParameters are recorded). AWS uses the services' batch APIs (SendMessageBatch,
 *   PutRecords ...) for the batchable ones; what lands on the service is the same, one entry per
 *   event, and a failed entry fails its item alone.
 *
 * Failed items are named by the source item they stand for (itemIdOf); when a failed event
 * carries none (an enrichment made it), the whole batch fails.
 */
import { apiDestinationSender, outcomeOf } from '../../engine/delivery/apiDestinationSender.js';
import { awsServiceSender, pipeInvocationTypeKey } from '../../engine/delivery/awsSenders.js';
import { buildInvocationRequest } from '../../engine/delivery/httpRequest.js';
import { captureSender, eventBusSender, type SendOutcome } from '../../engine/delivery/senders.js';
import { serviceOfArn } from '../../engine/delivery/serviceEndpoints.js';
import { parseArn } from '../events/domain/arns.js';
import { formatEventTime } from '../events/bus/envelope.js';
import type { TargetRecord } from '../../store/schema.js';
import { TargetInputError } from '../../engine/transform/types.js';
import type { BatchOutcome, PipeTargetDelivery } from './contract.js';
import { asJsonValue, renderPipeInput, resolveDynamic, type PipeTemplateContext } from './inputTemplate.js';
import { performance } from 'node:perf_hooks';
import { itemIdOf, pipeJob, templateContext, type PipeAttempt, type PipeDefinition, type PipeHttpParameters, type PipeStepDeps, type SenderSet } from './steps.js';

const senderSets = new WeakMap<PipeStepDeps, SenderSet>();

/** The rule-target senders, built once for each deps. */
export function sendersOf(deps: PipeStepDeps): SenderSet {
  let set = senderSets.get(deps);
  if (!set) {
    set = {
      'api-destination': apiDestinationSender({ store: deps.store, clock: deps.clock, auth: deps.auth, limiter: deps.limiter, send: deps.send, timeoutMs: deps.timeoutMs, isOwnEndpoint: deps.isOwnEndpoint }),
      'aws-service': awsServiceSender({ directory: deps.directory, clients: deps.clients, clock: deps.clock, send: deps.send, timeoutMs: deps.timeoutMs, uuid: deps.uuid }),
      'event-bus': eventBusSender(deps.forwardToBus),
      captured: captureSender(deps.records),
    };
    senderSets.set(deps, set);
  }
  return set;
}

/** Batchable targets and their largest batch ("Supported batchable targets", User Guide); the event bus's is 10. */
const maxBatchOf: Partial<Record<NonNullable<ReturnType<typeof serviceOfArn>>, number>> = { sqs: 10, sns: 10, kinesis: 500, firehose: 500, 'cloudwatch-logs': 10_000 };

type Rendered = { event: unknown; input: string } | { event: unknown; error: string };

export function createPipeTarget(pipe: PipeDefinition, deps: PipeStepDeps): PipeTargetDelivery {
  const ctx = templateContext(pipe, deps.clock);
  const params = pipe.TargetParameters ?? {};
  const render = (events: unknown[]): Rendered[] =>
    events.map((event) => {
      try {
        return { event, input: renderPipeInput(event, params.InputTemplate, ctx) };
      } catch (err) {
        return { event, error: err instanceof TargetInputError ? err.reason : String(err) };
      }
    });
  const service = serviceOfArn(pipe.Target);
  const apiGateway = parseArn(pipe.Target)?.service === 'execute-api';
  const deliver = service === 'lambda' || service === 'sfn' ? wholeBatch(pipe, deps, render, service) : oneByOne(pipe, deps, ctx, render, service, apiGateway);
  // An enrichment that answered nothing ("", {}, []) means: do not invoke the target.
  return (events) => (events.length === 0 ? Promise.resolve({ kind: 'delivered' }) : deliver(events));
}

/** Every kind but Lambda and Step Functions: one call per event. */
function oneByOne(pipe: PipeDefinition, deps: PipeStepDeps, ctx: PipeTemplateContext, render: (events: unknown[]) => Rendered[], service: ReturnType<typeof serviceOfArn>, apiGateway: boolean): PipeTargetDelivery {
  const maxBatch = deps.kindOf(pipe.Target) === 'event-bus' ? 10 : service ? maxBatchOf[service] : undefined;
  return async (events) => {
    // "If the array is larger than the batch size supported by the target, the pipe will not invoke the target."
    if (maxBatch !== undefined && events.length > maxBatch) {
      return { kind: 'failed', reason: `The batch has ${events.length} events (an enrichment may answer more than it got); this target takes at most ${maxBatch}, so it was not invoked.` };
    }
    const outcomes: Array<{ event: unknown; outcome: SendOutcome }> = [];
    for (const item of render(events)) {
      if ('error' in item) {
        outcomes.push({ event: item.event, outcome: { ok: false, errorMessage: item.error } });
        continue;
      }
      const outcome = apiGateway ? await toApiGateway(pipe, deps, item.event, item.input) : await sendOne(pipe, deps, ctx, item.event, item.input);
      outcomes.push({ event: item.event, outcome });
    }
    return combine(outcomes);
  };
}

/** Lambda / Step Functions: the batch as one JSON array, one invocation. */
function wholeBatch(pipe: PipeDefinition, deps: PipeStepDeps, render: (events: unknown[]) => Rendered[], service: 'lambda' | 'sfn'): PipeTargetDelivery {
  const params = pipe.TargetParameters ?? {};
  const block = (service === 'lambda' ? params.LambdaFunctionParameters : params.StepFunctionStateMachineParameters) as { InvocationType?: string } | undefined;
  const synchronous = (block?.InvocationType ?? 'REQUEST_RESPONSE') === 'REQUEST_RESPONSE';
  const target: TargetRecord = { Id: pipe.Name, Arn: pipe.Target, [pipeInvocationTypeKey]: synchronous ? 'RequestResponse' : 'Event', PipeTargetParameters: params };
  return async (events) => {
    const rendered = render(events);
    const broken = rendered.find((r): r is { event: unknown; error: string } => 'error' in r);
    if (broken) return { kind: 'failed', reason: broken.error };
    const payload = JSON.stringify(rendered.map((r) => asJsonValue((r as { input: string }).input)));
    const outcome = await sendOnce(deps, pipeJob(pipe, target, { id: deps.uuid() }, payload, deps.uuid(), deps.clock.now()));
    if (!outcome.ok) return { kind: 'failed', reason: reasonOf(outcome) };
    if (!synchronous) return { kind: 'delivered' };
    const failedItemIds = batchItemFailures(answerOf(outcome));
    if (failedItemIds === undefined) return { kind: 'delivered' };
    if (failedItemIds === 'invalid') return { kind: 'failed', reason: 'The target answered batchItemFailures that name no item; the whole batch failed.' };
    // An id that is not in the batch (or events an enrichment made, which carry none) cannot be
    // retried alone: the whole batch fails, as Lambda's event source mappings treat such a report.
    const inBatch = new Set(events.map(itemIdOf));
    const unknown = failedItemIds.find((id) => !inBatch.has(id));
    if (unknown !== undefined) return { kind: 'failed', reason: `The target answered batchItemFailures naming ${unknown}, which is not an item of this batch; the whole batch failed.` };
    return failedItemIds.length === 0 ? { kind: 'delivered' } : { kind: 'partial', failedItemIds, reason: `The target reported ${failedItemIds.length} failed item(s) in batchItemFailures.` };
  };
}

/** What a synchronous Lambda / state machine answered (the invocation's payload / output). */
function answerOf(outcome: SendOutcome): string | undefined {
  if (outcome.answer !== undefined) return outcome.answer;
  const response = outcome.response as { Payload?: string; output?: string } | undefined;
  return response?.Payload ?? response?.output;
}

/**
 * `{"batchItemFailures":[{"itemIdentifier":"id2"}]}` (User Guide, "Partial batch failure"): the ids,
 * undefined when the answer is no such report, 'invalid' when an entry names nothing (the
 * Lambda event-source convention: the whole batch is then retried).
 */
export function batchItemFailures(answer: string | undefined): string[] | undefined | 'invalid' {
  if (answer === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(answer);
  } catch {
    return undefined;
  }
  const list = (parsed as { batchItemFailures?: unknown } | null)?.batchItemFailures;
  if (!Array.isArray(list)) return undefined;
  const ids: string[] = [];
  for (const entry of list) {
    const id = (entry as { itemIdentifier?: unknown } | null)?.itemIdentifier;
    if (typeof id !== 'string' || id === '') return 'invalid';
    ids.push(id);
  }
  return ids;
}

/** One event to a target that takes one at a time. */
async function sendOne(pipe: PipeDefinition, deps: PipeStepDeps, ctx: PipeTemplateContext, event: unknown, input: string): Promise<SendOutcome> {
  const kind = deps.kindOf(pipe.Target);
  const params = pipe.TargetParameters ?? {};
  const record = (typeof event === 'object' && event !== null ? event : { value: event }) as Record<string, unknown>;
  const target: TargetRecord = { Id: pipe.Name, Arn: pipe.Target, PipeTargetParameters: params };
  if (params.HttpParameters) {
    const http = resolveHttpParameters(params.HttpParameters as PipeHttpParameters, event);
    if ('error' in http) return { ok: false, errorMessage: http.error };
    target.HttpParameters = http.parameters;
  }
  const service = serviceOfArn(pipe.Target);
  if (service === 'sqs' && params.SqsQueueParameters) {
    const sqs = params.SqsQueueParameters as { MessageGroupId?: string; MessageDeduplicationId?: string };
    target.SqsParameters = {
      ...(sqs.MessageGroupId !== undefined ? { MessageGroupId: resolveDynamic(sqs.MessageGroupId, event) } : {}),
      ...(sqs.MessageDeduplicationId !== undefined ? { MessageDeduplicationId: resolveDynamic(sqs.MessageDeduplicationId, event) } : {}),
    };
  }
  if (service === 'kinesis') {
    const key = (params.KinesisStreamParameters as { PartitionKey?: string } | undefined)?.PartitionKey;
    const resolved = key === undefined ? undefined : resolveDynamic(key, event);
    // PartitionKey is required by CreatePipe; one that selects nothing leaves the sender's default (an id).
    if (resolved !== undefined && resolved !== '') target.KinesisParameters = { PartitionKey: resolved };
  }
  if (service === 'cloudwatch-logs') target.CloudWatchLogsParameters = logsParameters(pipe, params.CloudWatchLogsParameters as { LogStreamName?: string; Timestamp?: string } | undefined, event, deps);
  let jobEvent: Record<string, unknown> = { id: deps.uuid(), ...record };
  if (kind === 'event-bus') {
    const envelope = busEvent(pipe, deps, ctx, event, input);
    if ('error' in envelope) return { ok: false, errorMessage: envelope.error };
    jobEvent = envelope.event;
  }
  return sendOnce(deps, pipeJob(pipe, target, jobEvent, input, deps.uuid(), deps.clock.now()));
}

/**
 * One attempt through the sender of the target's kind. An API destination past its
 * InvocationRateLimitPerSecond answers "not before <slot>" (its slot reserved): the call waits for
 * it on the emulator's clock and goes then, as AWS delays excess invocations rather than failing
 * them (and as the engine does for rule targets, without counting an attempt).
 */
export async function sendOnce(deps: PipeStepDeps, job: ReturnType<typeof pipeJob>, step: PipeAttempt['step'] = 'target'): Promise<SendOutcome> {
  const sender = sendersOf(deps)[deps.kindOf(job.target.Arn)];
  const started = performance.now();
  let outcome: SendOutcome;
  try {
    for (;;) {
      outcome = await sender(job);
      if (outcome.deferUntil === undefined) break;
      await new Promise<void>((resolve) => deps.clock.at(outcome.deferUntil!, resolve));
    }
  } catch (err) {
    outcome = { ok: false, errorMessage: `The delivery failed: ${(err as Error)?.message ?? String(err)}` };
  } finally {
    deps.limiter.forget(job.id);
  }
  report(deps, job.ruleArn, step, job.target.Arn, outcome, started);
  return outcome;
}

/** Tell deps.onAttempt about one call. */
export function report(deps: PipeStepDeps, pipeArn: string, step: PipeAttempt['step'], arn: string, outcome: SendOutcome, started: number): void {
  if (!deps.onAttempt) return;
  const { ok, statusCode, errorCode, errorMessage, request, response } = outcome;
  deps.onAttempt({ pipeArn, step, arn, at: deps.clock.now(), latencyMs: Math.round(performance.now() - started), ok, statusCode, errorCode, errorMessage, request, response });
}

/** HttpParameters with each `$.` value taken from the (implicitly parsed) event. */
export function resolveHttpParameters(http: PipeHttpParameters, event: unknown): { parameters: PipeHttpParameters } | { error: string } {
  const path: string[] = [];
  for (const raw of http.PathParameterValues ?? []) {
    const value = resolveDynamic(raw, event);
    if (value === undefined) return { error: `PathParameterValues ${raw} selects nothing in the event.` };
    path.push(value);
  }
  const map = (m: Record<string, string> | undefined) => {
    const out: Record<string, string> = Object.create(null);
    for (const [key, raw] of Object.entries(m ?? {})) {
      const value = resolveDynamic(raw, event);
      if (value !== undefined) out[key] = value;
    }
    return out;
  };
  return { parameters: { PathParameterValues: path, HeaderParameters: map(http.HeaderParameters), QueryStringParameters: map(http.QueryStringParameters) } };
}

/** "The time the event occurred, expressed as the number of milliseconds after Jan 1, 1970" (model); may be a JSON path. */
function logsParameters(pipe: PipeDefinition, params: { LogStreamName?: string; Timestamp?: string } | undefined, event: unknown, deps: PipeStepDeps): { LogStreamName: string; Timestamp: number } {
  const stream = params?.LogStreamName === undefined ? undefined : resolveDynamic(params.LogStreamName, event);
  const rawTime = params?.Timestamp === undefined ? undefined : resolveDynamic(params.Timestamp, event);
  const time = rawTime === undefined ? NaN : /^\d+$/.test(rawTime) ? Number(rawTime) : Date.parse(rawTime);
  // Without a stream name: one stream per pipe, named after it (AWS does not document the name it uses).
  return { LogStreamName: stream || `pipe-${pipe.Name}`, Timestamp: Number.isNaN(time) ? deps.clock.now() : time };
}

/**
 * The event a pipe puts on an event bus: `source` "Pipe <name>", `detail-type` "Event from
 * <eventSource>" (as recorded events from pipes read: "Event from aws:sqs"), unless
 * EventBridgeEventBusParameters set them; `detail` is the target input, which PutEvents
 * requires to be a JSON object. EndpointId is not followed: the event goes to the target's bus.
 */
function busEvent(pipe: PipeDefinition, deps: PipeStepDeps, ctx: PipeTemplateContext, event: unknown, input: string): { event: Record<string, unknown> } | { error: string } {
  const params = (pipe.TargetParameters?.EventBridgeEventBusParameters ?? {}) as { DetailType?: string; Source?: string; Resources?: string[]; Time?: string };
  const detail = asJsonValue(input);
  if (typeof detail !== 'object' || detail === null || Array.isArray(detail)) return { error: `The target input is not a JSON object, which an event's detail must be: ${input.slice(0, 200)}` };
  const arn = parseArn(pipe.Target)!;
  const eventSource = (event as { eventSource?: unknown } | null)?.eventSource;
  const from = typeof eventSource === 'string' ? eventSource : `aws:${parseArn(ctx.sourceArn)?.service ?? 'unknown'}`;
  const time = params.Time === undefined ? undefined : resolveDynamic(params.Time, event);
  const parsedTime = time === undefined ? NaN : Date.parse(time);
  const resources = (params.Resources ?? []).map((r) => resolveDynamic(r, event)).filter((r): r is string => r !== undefined);
  return {
    event: {
      version: '0',
      id: deps.uuid(),
      'detail-type': (params.DetailType !== undefined ? resolveDynamic(params.DetailType, event) : undefined) ?? `Event from ${from}`,
      source: (params.Source !== undefined ? resolveDynamic(params.Source, event) : undefined) ?? `Pipe ${pipe.Name}`,
      account: arn.account,
      time: formatEventTime(Number.isNaN(parsedTime) ? deps.clock.now() : parsedTime),
      region: arn.region,
      resources,
      detail,
    },
  };
}

/**
 * API Gateway (`arn:aws:execute-api:<region>:<account>:<api-id>/<stage>/<METHOD>/<path>`): an
 * HTTP request to the stage's local URL when deps.apiGatewayUrl knows one (HttpParameters as for an
 * API destination; `*` in the path from PathParameterValues), else captured.
 */
async function toApiGateway(pipe: PipeDefinition, deps: PipeStepDeps, event: unknown, input: string): Promise<SendOutcome> {
  const request = apiGatewayRequest(pipe.Target, deps, pipe.TargetParameters?.HttpParameters, event, input);
  if (request === undefined) return sendOnce(deps, pipeJob(pipe, { Id: pipe.Name, Arn: pipe.Target, PipeTargetParameters: pipe.TargetParameters ?? {} }, { id: deps.uuid() }, input, deps.uuid(), deps.clock.now()));
  if ('error' in request) return { ok: false, errorMessage: request.error };
  const started = performance.now();
  const outcome = outcomeOf(await deps.send(request.request, deps.timeoutMs), request.request, deps.clock.wallNow(), deps.timeoutMs);
  report(deps, pipe.Arn, 'target', pipe.Target, outcome, started);
  return outcome;
}

export function apiGatewayRequest(arnText: string, deps: PipeStepDeps, http: PipeHttpParameters | undefined, event: unknown, input: string) {
  const arn = parseArn(arnText);
  const [apiId, stage, method, ...path] = (arn?.resource ?? '').split('/');
  const base = arn && apiId && stage ? deps.apiGatewayUrl?.(apiId, stage, arn.region) : undefined;
  if (!base || !method) return undefined;
  const resolved = resolveHttpParameters(http ?? {}, event);
  if ('error' in resolved) return resolved;
  const built = buildInvocationRequest({
    invocationEndpoint: `${base.replace(/\/+$/, '')}/${path.join('/')}`,
    httpMethod: method === '*' ? 'POST' : method.toUpperCase(),
    targetParameters: resolved.parameters,
    event,
    payload: input,
  });
  if (!built.ok) return { error: built.reason };
  return { request: built.request };
}

function combine(outcomes: Array<{ event: unknown; outcome: SendOutcome }>): BatchOutcome {
  const failed = outcomes.filter((o) => !o.outcome.ok);
  if (failed.length === 0) return { kind: 'delivered' };
  const reason = reasonOf(failed[0]!.outcome) + (failed.length > 1 ? ` (and ${failed.length - 1} more event(s) failed)` : '');
  const ids = failed.map((o) => itemIdOf(o.event));
  if (failed.length === outcomes.length || ids.some((id) => id === undefined)) return { kind: 'failed', reason };
  return { kind: 'partial', failedItemIds: ids as string[], reason };
}

function reasonOf(outcome: SendOutcome): string {
  return [outcome.errorCode, outcome.errorMessage].filter(Boolean).join(': ') || 'The target refused the event.';
}
