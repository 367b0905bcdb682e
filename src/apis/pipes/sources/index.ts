/**
 * createPipeSource: the pipe's Source ARN chooses the source kind. SQS queues, Kinesis streams
 * and DynamoDB table streams are read for real from their configured endpoints; other kinds
 * (Amazon MQ, MSK, self-managed Kafka) are not built.
 */
import { parseArn } from '../../events/domain/arns.js';
import type { PipeSource, PipeSourceContext } from '../contract.js';
import { dynamoDbStreamReader } from './dynamodbStream.js';
import { kinesisStreamReader } from './kinesisStream.js';
import type { PipeSourceDeps } from './sourceDeps.js';
import { SqsSource } from './sqsSource.js';
import { StreamSource } from './streamSource.js';

export type { PipeSourceDeps } from './sourceDeps.js';

export type PipeSourceKind = 'sqs' | 'kinesis' | 'dynamodb-streams';

export class UnsupportedPipeSourceError extends Error {}

/** The source kind an ARN names, or undefined for a kind this emulator does not read. */
export function pipeSourceKind(sourceArn: string): PipeSourceKind | undefined {
  const arn = parseArn(sourceArn);
  if (!arn) return undefined;
  if (arn.service === 'sqs') return 'sqs';
  if (arn.service === 'kinesis' && arn.resource.startsWith('stream/')) return 'kinesis';
  if (arn.service === 'dynamodb' && /^table\/[^/]+\/stream\/.+/.test(arn.resource)) return 'dynamodb-streams';
  return undefined;
}

export function createPipeSource(ctx: PipeSourceContext, deps: PipeSourceDeps): PipeSource {
  switch (pipeSourceKind(ctx.sourceArn)) {
    case 'sqs':
      return new SqsSource(ctx, deps);
    case 'kinesis':
      return new StreamSource(ctx, deps, kinesisStreamReader(ctx, deps), (ctx.sourceParameters.KinesisStreamParameters ?? {}) as Record<string, unknown>);
    case 'dynamodb-streams':
      return new StreamSource(ctx, deps, dynamoDbStreamReader(ctx, deps), (ctx.sourceParameters.DynamoDBStreamParameters ?? {}) as Record<string, unknown>);
    default:
      throw new UnsupportedPipeSourceError(`eventbridge-local reads SQS queues, Kinesis streams and DynamoDB streams as pipe sources; not ${ctx.sourceArn}`);
  }
}
