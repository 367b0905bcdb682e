/**
 * A pipe's enrichment step: `createPipeEnrichment(pipe, deps)` gives the PipeEnrichment the runner
 * calls with the filtered events of a batch (undefined when the pipe has no Enrichment). It answers
 * the events that go on to the target, or throws a PipeStepError (the whole batch failed: "partial
 * batch failure handling isn't supported for enrichments", User Guide "Batching and concurrency").
 *
 * Evidence (User Guide, "Event enrichment in Amazon EventBridge Pipes"): enrichments are invoked
 * synchronously (REQUEST_RESPONSE); Step Functions "only supports Express workflows" (a STANDARD
 * state machine refuses StartSyncExecution: StateMachineTypeNotSupported, and the batch fails);
 * "EventBridge Pipes passes the enrichment responses directly to the configured target", an array
 * as that many events; an empty response ("", {} or [], and here also null) invokes no target;
 * `[{}]` invokes it with one empty event. Lambda and Step Functions take the batch as one JSON
 * array ("even if the batch size is 1"); an API destination or API Gateway takes one event per
 * request (they have no batch API, so CreatePipe allows them only with a batch of one).
 *
 * Each event first gets EnrichmentParameters.InputTemplate (per event); HttpParameters may take
 * values from the event (`$.body.id`). Calls go through the rule-target senders: API destinations
 * with their connection's auth; Lambda through its binding or endpoint, Step Functions through its
 * endpoint. API Gateway: the stage's URL from deps.apiGatewayUrl, else the batch fails (there is no
 * answer to capture).
 */
import { pipeInvocationTypeKey } from '../../engine/delivery/awsSenders.js';
import { outcomeOf } from '../../engine/delivery/apiDestinationSender.js';
import type { SendOutcome } from '../../engine/delivery/senders.js';
import { serviceOfArn } from '../../engine/delivery/serviceEndpoints.js';
import { parseArn } from '../events/domain/arns.js';
import type { TargetRecord } from '../../store/schema.js';
import { TargetInputError } from '../../engine/transform/types.js';
import { PipeStepError, type PipeEnrichment } from './contract.js';
import { asJsonValue, renderPipeInput } from './inputTemplate.js';
import { pipeJob, templateContext, type PipeDefinition, type PipeStepDeps } from './steps.js';
import { performance } from 'node:perf_hooks';
import { apiGatewayRequest, report, resolveHttpParameters, sendOnce } from './targets.js';

type Render = (event: unknown) => string;

export function createPipeEnrichment(pipe: PipeDefinition, deps: PipeStepDeps): PipeEnrichment | undefined {
  const arnText = pipe.Enrichment;
  if (!arnText) return undefined;
  const ctx = templateContext(pipe, deps.clock);
  const params = pipe.EnrichmentParameters ?? {};
  const render: Render = (event) => {
    try {
      return renderPipeInput(event, params.InputTemplate, ctx);
    } catch (err) {
      throw new PipeStepError(`EnrichmentParameters.InputTemplate: ${err instanceof TargetInputError ? err.reason : String(err)}`);
    }
  };
  const arn = parseArn(arnText);
  const service = serviceOfArn(arnText);
  if (service === 'lambda' || service === 'sfn') return wholeBatchEnrichment(pipe, deps, arnText, service, render);
  if (arn?.service === 'events' && arn.resource.startsWith('api-destination/')) return apiDestinationEnrichment(pipe, deps, arnText, render);
  if (arn?.service === 'execute-api') return apiGatewayEnrichment(pipe, deps, arnText, render);
  return async () => {
    throw new PipeStepError(`${arnText} is not an enrichment EventBridge Pipes can invoke (an API destination, API Gateway REST API, Lambda function or Step Functions state machine).`);
  };
}

/** Lambda (Invoke RequestResponse) or Step Functions (StartSyncExecution): the batch as one JSON array. */
function wholeBatchEnrichment(pipe: PipeDefinition, deps: PipeStepDeps, arnText: string, service: 'lambda' | 'sfn', render: Render): PipeEnrichment {
  const target: TargetRecord = { Id: pipe.Name, Arn: arnText, [pipeInvocationTypeKey]: 'RequestResponse' };
  return async (events) => {
    const payload = JSON.stringify(events.map((e) => asJsonValue(render(e))));
    if (deps.kindOf(arnText) !== 'aws-service') {
      throw new PipeStepError(`No ${service === 'lambda' ? 'Lambda binding or endpoint' : 'Step Functions endpoint'} is configured for enrichment ${arnText}: an enrichment must answer, so it cannot be captured.`);
    }
    const outcome = await call(deps, pipe, target, payload);
    const response = outcome.response as { Payload?: string; output?: string } | undefined;
    return splitAnswer(outcome.answer ?? response?.Payload ?? response?.output);
  };
}

/** One request per event through the API-destination sender (connection auth, rate limit). */
function apiDestinationEnrichment(pipe: PipeDefinition, deps: PipeStepDeps, arnText: string, render: Render): PipeEnrichment {
  const http = pipe.EnrichmentParameters?.HttpParameters;
  return async (events) => {
    const out: unknown[] = [];
    for (const event of events) {
      const target: TargetRecord = { Id: pipe.Name, Arn: arnText };
      if (http) {
        const resolved = resolveHttpParameters(http, event);
        if ('error' in resolved) throw new PipeStepError(`Enrichment ${arnText}: ${resolved.error}`);
        target.HttpParameters = resolved.parameters;
      }
      const outcome = await call(deps, pipe, target, render(event), event);
      out.push(...splitAnswer(outcome.answer));
    }
    return out;
  };
}

/** One request per event to the stage's local URL (deps.apiGatewayUrl); without one the batch fails. */
function apiGatewayEnrichment(pipe: PipeDefinition, deps: PipeStepDeps, arnText: string, render: Render): PipeEnrichment {
  return async (events) => {
    const out: unknown[] = [];
    for (const event of events) {
      const built = apiGatewayRequest(arnText, deps, pipe.EnrichmentParameters?.HttpParameters, event, render(event));
      if (built === undefined) throw new PipeStepError(`No local URL is known for API Gateway enrichment ${arnText}: an enrichment must answer, so it cannot be captured.`);
      if ('error' in built) throw new PipeStepError(built.error);
      const started = performance.now();
      const result = await deps.send(built.request, deps.timeoutMs);
      const outcome = outcomeOf(result, built.request, deps.clock.wallNow(), deps.timeoutMs);
      report(deps, pipe.Arn, 'enrichment', arnText, outcome, started);
      if (!outcome.ok) throw new PipeStepError(`Enrichment ${arnText}: ${outcome.errorMessage ?? 'failed'}`);
      out.push(...splitAnswer(result.kind === 'response' ? result.body.toString('utf8') : ''));
    }
    return out;
  };
}

async function call(deps: PipeStepDeps, pipe: PipeDefinition, target: TargetRecord, payload: string, event: unknown = {}): Promise<SendOutcome> {
  const job = pipeJob(pipe, target, { id: deps.uuid(), ...(typeof event === 'object' && event !== null ? event : {}) }, payload, deps.uuid(), deps.clock.now());
  const outcome = await sendOnce(deps, job, 'enrichment');
  if (!outcome.ok) throw new PipeStepError(`Enrichment ${target.Arn} failed: ${[outcome.errorCode, outcome.errorMessage].filter(Boolean).join(': ')}`);
  return outcome;
}

/** The enrichment's answer as the events that go on: an array is that many events; "", {}, [] and null none. */
export function splitAnswer(answer: string | undefined): unknown[] {
  if (answer === undefined || answer.trim() === '') return [];
  const value = asJsonValue(answer);
  // A Lambda function returning "" answers the JSON string "": empty too.
  if (value === null || value === '') return [];
  if (Array.isArray(value)) return value;
  if (typeof value === 'object' && Object.keys(value).length === 0) return [];
  return [value];
}
