/**
 * The official SDK clients, one per (service, endpoint, region, access key), each module
 * imported on first use: a user who delivers nothing for real loads none of them, and
 * start-up stays as it was. The engine makes the retries, so a client makes one attempt.
 */
import { limits } from '../../limits.js';
import type { AwsService, ServiceCredentials } from './serviceEndpoints.js';

const loaders = {
  sqs: () => import('@aws-sdk/client-sqs'),
  sns: () => import('@aws-sdk/client-sns'),
  lambda: () => import('@aws-sdk/client-lambda'),
  sfn: () => import('@aws-sdk/client-sfn'),
  kinesis: () => import('@aws-sdk/client-kinesis'),
  firehose: () => import('@aws-sdk/client-firehose'),
  'cloudwatch-logs': () => import('@aws-sdk/client-cloudwatch-logs'),
} satisfies Record<AwsService, () => Promise<unknown>>;

export type ServiceModule<S extends AwsService> = Awaited<ReturnType<(typeof loaders)[S]>>;

interface AnyClient {
  send(command: unknown): Promise<unknown>;
  destroy(): void;
}

const clientClassNames: Record<AwsService, string> = {
  sqs: 'SQSClient',
  sns: 'SNSClient',
  lambda: 'LambdaClient',
  sfn: 'SFNClient',
  kinesis: 'KinesisClient',
  firehose: 'FirehoseClient',
  'cloudwatch-logs': 'CloudWatchLogsClient',
};

export class AwsClients {
  private modules = new Map<AwsService, Promise<unknown>>();
  private clients = new Map<string, AnyClient>();
  private httpHandler: Promise<typeof import('@smithy/node-http-handler')> | undefined;

  module<S extends AwsService>(service: S): Promise<ServiceModule<S>> {
    let loaded = this.modules.get(service);
    if (!loaded) this.modules.set(service, (loaded = loaders[service]()));
    return loaded as Promise<ServiceModule<S>>;
  }

  /** Send one command (built from the service's module) to the service at `endpoint`. */
  async send<S extends AwsService>(
    service: S,
    endpoint: string,
    region: string,
    credentials: ServiceCredentials,
    build: (module: ServiceModule<S>) => unknown,
  ): Promise<unknown> {
    const module = await this.module(service);
    const { NodeHttpHandler } = await (this.httpHandler ??= import('@smithy/node-http-handler'));
    const key = `${service}\n${endpoint}\n${region}\n${credentials.accessKeyId}`;
    let client = this.clients.get(key);
    if (!client) {
      const Client = (module as unknown as Record<string, new (config: unknown) => AnyClient>)[clientClassNames[service]];
      client = new Client({
        endpoint,
        region,
        credentials,
        maxAttempts: 1,
        // An endpoint here is a local stand-in's address: no `sync-` (StartSyncExecution) or other
        // host prefix in front of it, which would make the host unresolvable.
        disableHostPrefix: true,
        // HTTP/1.1 for every service (the Kinesis client defaults to HTTP/2, which local stand-ins
        // do not speak), within EventBridge's 5 s client execution timeout.
        requestHandler: new NodeHttpHandler({ requestTimeout: limits.invocationTimeoutMs, connectionTimeout: limits.invocationTimeoutMs }),
      });
      this.clients.set(key, client);
    }
    return client.send(build(module));
  }

  close(): void {
    for (const client of this.clients.values()) client.destroy();
    this.clients.clear();
  }
}
