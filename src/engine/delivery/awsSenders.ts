/**
 * Senders for targets of AWS services that have an endpoint (serviceEndpoints.ts): the call
 * EventBridge makes for each target kind, made with the service's official SDK client. The
 * body is always the job's payload, the rendered target input, exactly as a capture shows it.
 *
 * Per kind (EventBridge API Reference, Target and its parameter blocks; User Guide, "Event
 * bus targets"):
 * - SQS: SendMessage, MessageBody = input. A FIFO queue gets SqsParameters.MessageGroupId
 *   and no deduplication id: "If you specify an SQS FIFO queue as a target, the queue must
 *   have content-based deduplication enabled" (Target.SqsParameters), so a FIFO queue
 *   without it refuses the message (InvalidParameterValue, not retried).
 * - SNS: Publish to the topic, Message = input.
 * - Lambda: Invoke with InvocationType Event (EventBridge invokes functions asynchronously);
 *   per endpoint RequestResponse, for `sam local start-lambda`, which refuses Event.
 * - Step Functions: StartExecution of the state machine, input = input.
 * - Kinesis: PutRecord, PartitionKey from KinesisParameters.PartitionKeyPath (a JSON path into
 *   the event); "If you do not include this parameter, the default is to use the eventId as
 *   the partition key" (KinesisParameters).
 * - Firehose: PutRecord on the delivery stream, Data = input.
 * - CloudWatch Logs: PutLogEvents on the log group of the ARN; see logsTarget for the stream.
 */
import { evaluateJsonPath } from '../transform/jsonPath.js';
import { parseArn } from '../../apis/events/domain/arns.js';
import type { DeliveryJob } from '../../store/schema.js';
import type { Clock } from '../../util/clock.js';
import type { AwsClients } from './awsClients.js';
import { outcomeOfAwsError } from './awsErrors.js';
import { lambdaBindingSender } from './lambdaBindings.js';
import type { HttpSend } from './httpClient.js';
import { lambdaFunctionName, lambdaQualifier, serviceOfArn, type AwsService, type ServiceDirectory, type ServiceEndpoint } from './serviceEndpoints.js';
import type { SendOutcome, Sender } from './senders.js';

export interface AwsSenderDeps {
  directory: ServiceDirectory;
  clients: AwsClients;
  clock: Clock;
  send: HttpSend;
  timeoutMs: number;
  uuid: () => string;
}

/** Message attributes a dead-letter job carries to its queue (see the engine's deadLetter). */
export const deadLetterAttributesKey = 'DeadLetterMessageAttributes';

/**
 * A pipe's target asks for its invocation type (LambdaFunctionParameters /
 * StepFunctionStateMachineParameters.InvocationType; REQUEST_RESPONSE is the default for pipes,
 * where a rule's target is invoked asynchronously). RequestResponse on a state machine is
 * StartSyncExecution, which only an EXPRESS state machine accepts.
 */
export const pipeInvocationTypeKey = 'PipeInvocationType';

interface Call {
  operation: string;
  input: Record<string, unknown>;
  /** What the inspection API shows of the answer. */
  response: (output: Record<string, unknown>) => unknown;
  /** A successful HTTP answer that is still a failure (a Lambda function error). */
  failed?: (output: Record<string, unknown>) => SendOutcome | undefined;
}

export function awsServiceSender(deps: AwsSenderDeps): Sender {
  const toLambdaBinding = lambdaBindingSender(deps);
  return async (job) => {
    const service = serviceOfArn(job.target.Arn);
    if (!service) return { ok: false, errorCode: 'INVALID_PARAMETER', errorMessage: `${job.target.Arn} is not an ARN of a service this emulator delivers to.` };
    if (service === 'lambda') {
      const binding = deps.directory.lambdaBinding(job.target.Arn);
      if (binding !== undefined) return toLambdaBinding(job, binding);
    }
    const endpoint = deps.directory.endpoint(service);
    // The endpoint went away (it became the emulator's own address): capture-like refusal, not retried.
    if (!endpoint) return { ok: false, errorCode: 'NO_RESOURCE', errorMessage: `No endpoint is configured for ${service}.` };
    return callService(deps, service, endpoint, job);
  };
}

async function callService(deps: AwsSenderDeps, service: AwsService, endpoint: ServiceEndpoint, job: DeliveryJob): Promise<SendOutcome> {
  const arn = parseArn(job.target.Arn)!;
  const call = callFor(service, endpoint, job, deps.clock);
  if ('errorCode' in call) return call;
  const request = { service, operation: call.operation, endpoint: endpoint.url, input: call.input };
  const credentials = deps.directory.credentialsFor(arn.account);
  const what = `${service} ${call.operation} at ${endpoint.url}`;
  try {
    if (service === 'cloudwatch-logs') await ensureLogStream(deps, endpoint.url, arn.region, credentials, call.input);
    const output = (await deps.clients.send(service, endpoint.url, arn.region, credentials, (module) => {
      const Command = (module as unknown as Record<string, new (input: unknown) => unknown>)[`${call.operation}Command`];
      return new Command(wireInput(call.input));
    })) as Record<string, unknown>;
    const response = call.response(output);
    const failed = call.failed?.(output);
    if (failed) return { ...failed, request, response };
    return { ok: true, statusCode: (output.$metadata as { httpStatusCode?: number } | undefined)?.httpStatusCode, request, response };
  } catch (err) {
    return outcomeOfAwsError(err, what, request);
  }
}

type Refusal = SendOutcome & { errorCode: string };

/** Blob members (Lambda's Payload, Kinesis' and Firehose's Data) as bytes; the recorded request keeps the text. */
function wireInput(input: Record<string, unknown>): Record<string, unknown> {
  const wire: Record<string, unknown> = { ...input };
  if (typeof wire.Payload === 'string') wire.Payload = Buffer.from(wire.Payload);
  if (typeof wire.Data === 'string') wire.Data = Buffer.from(wire.Data);
  const record = wire.Record as { Data?: unknown } | undefined;
  if (record && typeof record.Data === 'string') wire.Record = { ...record, Data: Buffer.from(record.Data) };
  return wire;
}

function callFor(service: AwsService, endpoint: ServiceEndpoint, job: DeliveryJob, clock: Clock): Call | Refusal {
  const arn = parseArn(job.target.Arn)!;
  const body = job.payload;
  switch (service) {
    case 'sqs':
      return sqsCall(endpoint, job);
    case 'sns':
      return { operation: 'Publish', input: { TopicArn: job.target.Arn, Message: body }, response: (o) => ({ MessageId: o.MessageId }) };
    case 'lambda': {
      // An endpoint that only answers RequestResponse (sam local) gets it whatever the target asks.
      const asked = job.target[pipeInvocationTypeKey] as 'Event' | 'RequestResponse' | undefined;
      const invocationType = endpoint.invocationType === 'RequestResponse' ? 'RequestResponse' : (asked ?? endpoint.invocationType ?? 'Event');
      const input: Record<string, unknown> = { FunctionName: lambdaFunctionName(job.target.Arn), InvocationType: invocationType, Payload: body };
      const qualifier = lambdaQualifier(job.target.Arn);
      if (qualifier) input.Qualifier = qualifier;
      return {
        operation: 'Invoke',
        input,
        response: (o) => ({ StatusCode: o.StatusCode, FunctionError: o.FunctionError, Payload: o.Payload ? Buffer.from(o.Payload as Uint8Array).toString('utf8') : undefined }),
        // Only a synchronous invocation can report the function's own failure.
        failed: (o) => (o.FunctionError ? { ok: false, errorCode: 'ERROR_FROM_TARGET', errorMessage: `The function failed: ${o.FunctionError}`, retryable: true } : undefined),
      };
    }
    case 'sfn':
      if (job.target[pipeInvocationTypeKey] === 'RequestResponse') {
        return {
          operation: 'StartSyncExecution',
          input: { stateMachineArn: job.target.Arn, input: body },
          response: (o) => ({ executionArn: o.executionArn, status: o.status, output: o.output, error: o.error, cause: o.cause }),
          failed: (o) => (o.status !== 'SUCCEEDED' ? { ok: false, errorCode: 'ERROR_FROM_TARGET', errorMessage: `The execution ended ${String(o.status)}${o.error ? `: ${String(o.error)}` : ''}${o.cause ? ` (${String(o.cause)})` : ''}.`, retryable: true } : undefined),
        };
      }
      return { operation: 'StartExecution', input: { stateMachineArn: job.target.Arn, input: body }, response: (o) => ({ executionArn: o.executionArn }) };
    case 'kinesis': {
      const stream = arn.resource.replace(/^stream\//, '');
      return { operation: 'PutRecord', input: { StreamName: stream, PartitionKey: partitionKey(job), Data: body }, response: (o) => ({ ShardId: o.ShardId, SequenceNumber: o.SequenceNumber }) };
    }
    case 'firehose': {
      const stream = arn.resource.replace(/^deliverystream\//, '');
      return { operation: 'PutRecord', input: { DeliveryStreamName: stream, Record: { Data: body } }, response: (o) => ({ RecordId: o.RecordId }) };
    }
    case 'cloudwatch-logs':
      return logsCall(job, clock);
  }
}

function sqsCall(endpoint: ServiceEndpoint, job: DeliveryJob): Call {
  const arn = parseArn(job.target.Arn)!;
  const queueName = arn.resource;
  // A queue URL is <endpoint>/<account>/<name> on AWS, moto_server, ElasticMQ and LocalStack alike.
  const input: Record<string, unknown> = { QueueUrl: `${endpoint.url}/${arn.account}/${queueName}`, MessageBody: job.payload };
  const params = job.target.SqsParameters as { MessageGroupId?: string; MessageDeduplicationId?: string } | undefined;
  if (queueName.endsWith('.fifo') && params?.MessageGroupId !== undefined) input.MessageGroupId = params.MessageGroupId;
  // Only a pipe's SqsQueueParameters has one (a rule's FIFO target relies on content-based deduplication).
  if (queueName.endsWith('.fifo') && params?.MessageDeduplicationId !== undefined) input.MessageDeduplicationId = params.MessageDeduplicationId;
  const attributes = job.target[deadLetterAttributesKey] as Record<string, string> | undefined;
  if (attributes) {
    const typed: Record<string, { DataType: 'String'; StringValue: string }> = Object.create(null);
    for (const [name, value] of Object.entries(attributes)) if (value !== '') typed[name] = { DataType: 'String', StringValue: value };
    input.MessageAttributes = { ...typed };
  }
  return { operation: 'SendMessage', input, response: (o) => ({ MessageId: o.MessageId, MD5OfMessageBody: o.MD5OfMessageBody }) };
}

/**
 * KinesisParameters.PartitionKeyPath, evaluated on the event; the event id without it (or when it
 * finds nothing). A Scheduler target's KinesisParameters has PartitionKey instead: the key itself.
 */
function partitionKey(job: DeliveryJob): string {
  const parameters = job.target.KinesisParameters as { PartitionKeyPath?: string; PartitionKey?: string } | undefined;
  if (typeof parameters?.PartitionKey === 'string') return parameters.PartitionKey;
  const path = parameters?.PartitionKeyPath;
  if (path) {
    const found = evaluateJsonPath(job.event, path);
    if (found.found) {
      const value = found.value;
      if (value !== null && value !== undefined && value !== '') return typeof value === 'string' ? value : JSON.stringify(value);
    }
  }
  return String(job.event.id);
}

/**
 * CloudWatch Logs: the log group is the ARN's (`log-group:<name>[:*]`); each event goes to a
 * log stream named after the event's id, created on first use. AWS's documentation does not
 * name the stream; streams that EventBridge creates carry one event each under a generated
 * name, which the event id stands in for here (so a test can find its event). The log
 * event's timestamp is the event's time.
 */
function logsCall(job: DeliveryJob, clock: Clock): Call {
  const arn = parseArn(job.target.Arn)!;
  const logGroupName = arn.resource.replace(/^log-group:/, '').replace(/:\*$/, '');
  // A pipe's CloudWatchLogsParameters (resolved for this event) name the stream and the timestamp.
  const params = job.target.CloudWatchLogsParameters as { LogStreamName?: string; Timestamp?: number } | undefined;
  const time = params?.Timestamp ?? Date.parse(String(job.event.time));
  return {
    operation: 'PutLogEvents',
    input: { logGroupName, logStreamName: params?.LogStreamName ?? String(job.event.id), logEvents: [{ timestamp: Number.isNaN(time) ? clock.now() : time, message: job.payload }] },
    response: (o) => ({ nextSequenceToken: o.nextSequenceToken, rejectedLogEventsInfo: o.rejectedLogEventsInfo }),
  };
}

async function ensureLogStream(deps: AwsSenderDeps, url: string, region: string, credentials: { accessKeyId: string; secretAccessKey: string }, input: Record<string, unknown>): Promise<void> {
  try {
    await deps.clients.send('cloudwatch-logs', url, region, credentials, (m) => new m.CreateLogStreamCommand({ logGroupName: input.logGroupName as string, logStreamName: input.logStreamName as string }));
  } catch (err) {
    if ((err as { name?: string }).name !== 'ResourceAlreadyExistsException') throw err;
  }
}
