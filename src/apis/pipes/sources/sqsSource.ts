/**
 * An SQS queue as a pipe source (User Guide, "Amazon SQS as a source"): ReceiveMessage, at most
 * 10 a call, gathered up to BatchSize within MaximumBatchingWindowInSeconds; the batch's messages
 * are deleted only once it is settled as delivered. A failed batch is left alone: its messages
 * come back after the queue's visibility timeout, and the queue's own redrive policy moves them
 * to its dead-letter queue ("configure the dead-letter queue on the source queue, not on the pipe").
 */
import { parseArn } from '../../events/domain/arns.js';
import type { BatchOutcome, PipeSource, PipeSourceBatch, PipeSourceContext, PipeSourceRecord } from '../contract.js';
import { errorText, IdleWait, Serial, SourceService, wireJson, type PipeSourceDeps } from './sourceDeps.js';

/** Defaults and bounds of PipeSourceSqsQueueParameters (botocore model; BatchSize default 10 per the User Guide). */
export const sqsDefaults = { batchSize: 10, maximumBatchingWindowInSeconds: 0 } as const;
const receiveMax = 10;

interface SqsMessage {
  MessageId?: string;
  ReceiptHandle?: string;
  Body?: string;
  MD5OfBody?: string;
  MD5OfMessageAttributes?: string;
  Attributes?: Record<string, string>;
  MessageAttributes?: Record<string, { StringValue?: string; BinaryValue?: Uint8Array; StringListValues?: string[]; BinaryListValues?: Uint8Array[]; DataType?: string }>;
}

interface Held {
  record: PipeSourceRecord;
  receiptHandle: string;
  receiveCount: number;
}

export class SqsSource implements PipeSource {
  private readonly sqs: SourceService<'sqs'>;
  private readonly batchSize: number;
  private readonly windowMs: number;
  private readonly queueName: string;
  private readonly queueAccount: string;
  private readonly region: string;
  /** Messages received and not yet offered, by messageId (a message seen twice keeps its newest receipt). */
  private readonly gathered = new Map<string, Held>();
  private gatheringSince: number | undefined;
  private readonly inFlight = new Map<PipeSourceBatch, Held[]>();
  private readonly idle: IdleWait;
  private readonly serial = new Serial();
  private error: string | undefined;
  private closed = false;

  constructor(
    private readonly ctx: PipeSourceContext,
    private readonly deps: PipeSourceDeps,
  ) {
    const params = (ctx.sourceParameters.SqsQueueParameters ?? {}) as { BatchSize?: number; MaximumBatchingWindowInSeconds?: number };
    this.batchSize = params.BatchSize ?? sqsDefaults.batchSize;
    this.windowMs = (params.MaximumBatchingWindowInSeconds ?? sqsDefaults.maximumBatchingWindowInSeconds) * 1000;
    const arn = parseArn(ctx.sourceArn);
    this.queueName = arn?.resource ?? ctx.sourceArn;
    this.queueAccount = arn?.account ?? ctx.account;
    this.region = arn?.region ?? ctx.region;
    this.sqs = new SourceService(deps, 'sqs', ctx.sourceArn);
    this.idle = new IdleWait(deps.idleBackoffMs);
  }

  next(): Promise<PipeSourceBatch | undefined> {
    return this.serial.run(async () => {
      if (this.closed) return undefined;
      const drained = await this.gather();
      if (this.closed) return undefined;
      const ready = this.gathered.size >= this.batchSize || (this.gathered.size > 0 && (this.windowMs === 0 || this.ctx.now() - this.gatheringSince! >= this.windowMs));
      if (!ready) {
        // Nothing (more) on the queue: wait a little before the runner asks again, so an idle
        // pipe does not spin. A batch still inside its window is waited for on the next call.
        if (drained) await this.idle.backOff();
        return undefined;
      }
      this.idle.reset();
      const held = [...this.gathered.values()].slice(0, this.batchSize);
      for (const h of held) this.gathered.delete(h.record.itemId);
      this.gatheringSince = this.gathered.size > 0 ? this.ctx.now() : undefined;
      const batch: PipeSourceBatch = { records: held.map((h) => h.record), attempt: Math.max(...held.map((h) => h.receiveCount)) };
      this.inFlight.set(batch, held);
      return batch;
    });
  }

  /** Receive until the batch is full or the queue answers with fewer than asked (true then: the queue is drained for now). */
  private async gather(): Promise<boolean> {
    const url = this.sqs.url;
    while (this.gathered.size < this.batchSize && !this.closed) {
      const want = Math.min(receiveMax, this.batchSize - this.gathered.size);
      let messages: SqsMessage[];
      try {
        const out = await this.sqs.send<{ Messages?: SqsMessage[] }>(
          (m) =>
            new m.ReceiveMessageCommand({
              QueueUrl: this.queueUrl(url!),
              MaxNumberOfMessages: want,
              MessageSystemAttributeNames: ['All'],
              // The older spelling too, for local stand-ins that only know it (ElasticMQ).
              AttributeNames: ['All'],
              MessageAttributeNames: ['All'],
              WaitTimeSeconds: 0,
            }),
        );
        messages = out.Messages ?? [];
        this.error = undefined;
      } catch (err) {
        this.report('ReceiveMessage', err);
        return true;
      }
      for (const message of messages) this.hold(message);
      if (messages.length < want) return true;
    }
    return false;
  }

  private hold(message: SqsMessage): void {
    if (!message.MessageId || !message.ReceiptHandle) return;
    if (this.gathered.size === 0) this.gatheringSince = this.ctx.now();
    const record: Record<string, unknown> = {
      messageId: message.MessageId,
      receiptHandle: message.ReceiptHandle,
      body: message.Body ?? '',
      attributes: { ...(message.Attributes ?? {}) },
      messageAttributes: messageAttributes(message.MessageAttributes),
      md5OfBody: message.MD5OfBody,
      ...(message.MD5OfMessageAttributes ? { md5OfMessageAttributes: message.MD5OfMessageAttributes } : {}),
      eventSource: 'aws:sqs',
      eventSourceARN: this.ctx.sourceArn,
      awsRegion: this.region,
    };
    const receiveCount = Number(message.Attributes?.ApproximateReceiveCount ?? '1') || 1;
    this.gathered.set(message.MessageId, { record: { itemId: message.MessageId, record }, receiptHandle: message.ReceiptHandle, receiveCount });
  }

  async settle(batch: PipeSourceBatch, outcome: BatchOutcome, filteredOutItemIds: string[]): Promise<void> {
    const held = this.inFlight.get(batch);
    if (!held) return;
    this.inFlight.delete(batch);
    const filtered = new Set(filteredOutItemIds);
    const failed = failedItems(outcome, held);
    // Filtered-out messages count as delivered and go; failed ones stay for the visibility timeout.
    const toDelete = held.filter((h) => filtered.has(h.record.itemId) || !failed.has(h.record.itemId));
    await this.delete(toDelete);
  }

  private async delete(held: Held[]): Promise<void> {
    const url = this.sqs.url;
    if (!url) return;
    for (let i = 0; i < held.length; i += receiveMax) {
      const chunk = held.slice(i, i + receiveMax);
      try {
        const out = await this.sqs.send<{ Failed?: { Id?: string; Message?: string }[] }>(
          (m) => new m.DeleteMessageBatchCommand({ QueueUrl: this.queueUrl(url), Entries: chunk.map((h, n) => ({ Id: String(n), ReceiptHandle: h.receiptHandle })) }),
        );
        // A receipt that expired (the message came back meanwhile) is not deleted: it is offered again, as on AWS.
        if (out.Failed?.length) this.report('DeleteMessageBatch', new Error(out.Failed.map((f) => f.Message ?? f.Id).join('; ')));
      } catch (err) {
        this.report('DeleteMessageBatch', err);
      }
    }
  }

  private queueUrl(endpoint: string): string {
    // A queue URL is <endpoint>/<account>/<name> on AWS, moto_server, ElasticMQ and LocalStack alike.
    return `${endpoint}/${this.queueAccount}/${this.queueName}`;
  }

  private report(operation: string, err: unknown): void {
    this.error = `${operation} on ${this.ctx.sourceArn} failed: ${errorText(err)}`;
    this.deps.log?.warn('pipe source poll failed', { pipe: this.ctx.pipeArn, error: this.error });
  }

  lastError(): string | undefined {
    return this.error;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.idle.close();
    await this.serial.drain();
  }
}

/**
 * The failed items of a settled batch. A partial failure that names an item the batch does not
 * have (or an empty id) fails the whole batch, as the User Guide's "Reporting batch item
 * failures" lists for SQS sources.
 */
function failedItems(outcome: BatchOutcome, held: Held[]): Set<string> {
  const all = new Set(held.map((h) => h.record.itemId));
  if (outcome.kind === 'delivered') return new Set();
  if (outcome.kind === 'failed') return all;
  const named = new Set(outcome.failedItemIds);
  for (const id of named) if (!id || !all.has(id)) return all;
  return named;
}

/** Message attributes in the Lambda/Pipes record form: camelCase members, binary as base64. */
function messageAttributes(attributes: SqsMessage['MessageAttributes']): Record<string, unknown> {
  const out: Record<string, unknown> = Object.create(null);
  for (const [name, value] of Object.entries(attributes ?? {})) {
    out[name] = wireJson({
      stringValue: value.StringValue,
      binaryValue: value.BinaryValue,
      stringListValues: value.StringListValues ?? [],
      binaryListValues: value.BinaryListValues ?? [],
      dataType: value.DataType,
    });
  }
  return { ...out };
}
