/**
 * Whether a pipe's source can be read, asked when a pipe is created, started or updated
 * (lifecycle.ts): its service needs an endpoint here (AWS_ENDPOINT_URL_SQS ... or
 * --service-endpoint), and the queue or stream must exist there. The answer becomes the
 * *_FAILED state's StateReason. The wording is ours: no AWS-recorded StateReason was at hand.
 */
import type { AwsClients } from '../../engine/delivery/awsClients.js';
import type { EndpointService, ServiceDirectory } from '../../engine/delivery/serviceEndpoints.js';
import type { SourceCheck } from './lifecycle.js';

const servicesByArn = new Map<string, EndpointService>([
  ['sqs', 'sqs'],
  ['kinesis', 'kinesis'],
  ['dynamodb', 'dynamodb-streams'],
]);

export function sourceCheck(directory: ServiceDirectory, clients: AwsClients, more: Map<string, SourceCheck> = new Map()): SourceCheck {
  return async (pipe) => {
    const parts = pipe.source.split(':');
    const arnService = parts[0] === 'arn' ? parts[2] : undefined;
    if (arnService !== undefined && more.has(arnService)) return more.get(arnService)!(pipe);
    const service = arnService === undefined ? undefined : servicesByArn.get(arnService);
    if (!service) return `eventbridge-local does not read sources of this kind (${pipe.source.slice(0, 200)}): it reads SQS queues, Kinesis streams and DynamoDB streams.`;
    const endpoint = directory.endpoint(service)?.url;
    if (!endpoint) return `No ${service} endpoint is configured, so the pipe cannot read its source ${pipe.source}: set AWS_ENDPOINT_URL_${service.toUpperCase().replace(/-/g, '_')} (or --service-endpoint ${service}=<url>).`;
    const region = parts[3];
    const account = parts[4];
    const name = parts.slice(5).join(':');
    const credentials = directory.credentialsFor(pipe.account);
    try {
      if (service === 'sqs') {
        await clients.send('sqs', endpoint, region, credentials, (m) => new m.GetQueueUrlCommand({ QueueName: name, QueueOwnerAWSAccountId: account }));
      } else if (service === 'dynamodb-streams') {
        await clients.send('dynamodb-streams', endpoint, region, credentials, (m) => new m.DescribeStreamCommand({ StreamArn: pipe.source, Limit: 1 }));
      } else {
        await clients.send('kinesis', endpoint, region, credentials, (m) => new m.DescribeStreamSummaryCommand({ StreamName: name.replace(/^stream\//, '') }));
      }
      return undefined;
    } catch (err) {
      const e = err as { name?: string; message?: string };
      if (e.name === 'QueueDoesNotExist' || e.name === 'AWS.SimpleQueueService.NonExistentQueue' || e.name === 'ResourceNotFoundException') {
        return `The source ${pipe.source} does not exist at ${endpoint}.`;
      }
      return `The source ${pipe.source} could not be read at ${endpoint}: ${e.name ?? 'Error'}: ${String(e.message ?? err).slice(0, 200)}`;
    }
  };
}
