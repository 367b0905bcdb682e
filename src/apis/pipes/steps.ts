/**
 * What the enrichment (enrichment.ts) and target (targets.ts) steps of a pipe are built from:
 * the pipe as CreatePipe/UpdatePipe stored it, and the same dependencies the rule-target senders
 * get (src/delivery/*), so a pipe's target is delivered by the very senders rule targets use.
 *
 * The emulator builds one PipeStepDeps (index.ts, `emulator.pipeSteps`); the pipe runner calls
 * `createPipeEnrichment(pipe, deps)` and `createPipeTarget(pipe, deps)` once per pipe (again after
 * UpdatePipe).
 */
import { parseArn } from '../events/domain/arns.js';
import type { ConnectionAuth } from '../../engine/delivery/connectionAuth.js';
import type { AwsClients } from '../../engine/delivery/awsClients.js';
import type { HttpSend } from '../../engine/delivery/httpClient.js';
import type { InvocationRateLimiter } from '../../engine/delivery/rateLimiter.js';
import type { ForwardToBus, Sender, TargetKind } from '../../engine/delivery/senders.js';
import type { ServiceDirectory } from '../../engine/delivery/serviceEndpoints.js';
import type { DeliveryRecords } from '../../store/deliveryRecords.js';
import type { AttemptRecord, DeliveryJob, TargetRecord } from '../../store/schema.js';
import type { Store } from '../../store/store.js';
import type { Clock } from '../../util/clock.js';
import type { PipeTemplateContext } from './inputTemplate.js';

/** The members of a pipe the two steps read (CreatePipe's names). */
export interface PipeDefinition {
  Arn: string;
  Name: string;
  Source: string;
  Enrichment?: string;
  EnrichmentParameters?: {
    InputTemplate?: string;
    HttpParameters?: PipeHttpParameters;
  };
  Target: string;
  TargetParameters?: Record<string, unknown> & { InputTemplate?: string; HttpParameters?: PipeHttpParameters };
}

export interface PipeHttpParameters {
  PathParameterValues?: string[];
  HeaderParameters?: Record<string, string>;
  QueryStringParameters?: Record<string, string>;
}

export interface PipeStepDeps {
  store: Store;
  clock: Clock;
  /** API destinations: the connection's credentials (OAuth tokens shared with rule targets). */
  auth: ConnectionAuth;
  limiter: InvocationRateLimiter;
  send: HttpSend;
  timeoutMs: number;
  isOwnEndpoint?: (url: string) => boolean;
  /** Where AWS services are (and Lambda bindings); the SDK clients to call them. */
  directory: ServiceDirectory;
  clients: AwsClients;
  /** Captures of targets that are not delivered for real. */
  records: Pick<DeliveryRecords, 'appendCapture'>;
  /** Put an event on a bus of the emulator, where its rules match it (index.ts's forwardToBus). */
  forwardToBus: ForwardToBus;
  /** Which sender a target ARN goes to (the emulator's kindOf: aws-service where an endpoint is configured). */
  kindOf: (arn: string) => TargetKind;
  uuid: () => string;
  /**
   * API Gateway (`arn:aws:execute-api:...`): the base URL a REST API's stage answers on, when
   * one is served locally (e.g. LocalStack's). Without it an API Gateway target is captured and an
   * API Gateway enrichment fails (it has no answer to give).
   */
  apiGatewayUrl?: (apiId: string, stage: string, region: string) => string | undefined;
  /** Told of every call a step makes (for the inspection API and the dashboard: what was sent, what came back). */
  onAttempt?: (attempt: PipeAttempt) => void;
}

/** One call of a step, in the engine's AttemptRecord terms (request and response as the inspection views show them). */
export interface PipeAttempt extends AttemptRecord {
  pipeArn: string;
  step: 'enrichment' | 'target';
  /** The enrichment's or the target's ARN. */
  arn: string;
}

/** The senders of every rule-target kind, built once per deps. */
export type SenderSet = Record<TargetKind, Sender>;

export function templateContext(pipe: PipeDefinition, clock: Clock): PipeTemplateContext {
  return { pipeArn: pipe.Arn, pipeName: pipe.Name, sourceArn: pipe.Source, enrichmentArn: pipe.Enrichment, targetArn: pipe.Target, now: () => clock.now() };
}

/**
 * A one-attempt delivery job, as the senders take it. The pipe's ARN stands where a rule's
 * would (captures and inspection name it); `event` is what JSON paths of the sender read.
 */
export function pipeJob(pipe: PipeDefinition, target: TargetRecord, event: Record<string, unknown>, payload: string, id: string, now: number): DeliveryJob {
  const arn = parseArn(pipe.Arn);
  return {
    id,
    account: arn?.account ?? '',
    region: arn?.region ?? '',
    ruleArn: pipe.Arn,
    ruleName: pipe.Name,
    eventBusName: '',
    target,
    event,
    payload,
    hops: 0,
    createdAt: now,
    nextAttemptAt: now,
    attempts: [],
    httpParametersResolved: true,
  };
}

/**
 * The source item an event stands for (`batchItemFailures[].itemIdentifier`): an SQS messageId,
 * a Kinesis or DynamoDB Streams sequence number. An event an enrichment made carries none.
 */
export function itemIdOf(event: unknown): string | undefined {
  if (typeof event !== 'object' || event === null) return undefined;
  const r = event as Record<string, unknown>;
  const nested = (key: string, member: string) => {
    const inner = r[key];
    return typeof inner === 'object' && inner !== null ? (inner as Record<string, unknown>)[member] : undefined;
  };
  const id = r.messageId ?? r.sequenceNumber ?? nested('kinesis', 'sequenceNumber') ?? nested('dynamodb', 'SequenceNumber');
  return typeof id === 'string' ? id : undefined;
}
