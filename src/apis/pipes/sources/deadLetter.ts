/** Sends a stream source's failure record to the pipe's DeadLetterConfig: an SQS queue or an SNS topic. */
import { parseArn } from '../../events/domain/arns.js';
import { SourceService, type PipeSourceDeps } from './sourceDeps.js';

export async function sendToDeadLetter(deps: PipeSourceDeps, arn: string, body: string): Promise<void> {
  const parsed = parseArn(arn);
  if (parsed?.service === 'sqs') {
    const sqs = new SourceService(deps, 'sqs', arn);
    const url = sqs.url;
    await sqs.send((m) => new m.SendMessageCommand({ QueueUrl: `${url}/${parsed.account}/${parsed.resource}`, MessageBody: body }));
    return;
  }
  if (parsed?.service === 'sns') {
    await new SourceService(deps, 'sns', arn).send((m) => new m.PublishCommand({ TopicArn: arn, Message: body }));
    return;
  }
  throw new Error(`DeadLetterConfig.Arn must name an SQS queue or an SNS topic, not ${arn}`);
}
