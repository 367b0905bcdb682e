/**
 * Where the AWS services that targets name are: an endpoint per service (found the way the
 * AWS SDKs find one: AWS_ENDPOINT_URL_<SERVICE>, then AWS_ENDPOINT_URL), Lambda functions
 * bound to a URL or to an in-process handler, and the credentials the calls are signed with.
 * A target whose service has no endpoint (and, for Lambda, no binding) stays captured.
 */
import { parseArn } from '../../apis/events/domain/arns.js';

/** Services a rule target can name and this emulator can call, by their SDK names. */
export const awsServices = ['sqs', 'sns', 'lambda', 'sfn', 'kinesis', 'firehose', 'cloudwatch-logs'] as const;
export type AwsService = (typeof awsServices)[number];

/** Services only a pipe reads from (a pipe source), never a target: they have an endpoint, no sender. */
export const sourceOnlyServices = ['dynamodb-streams'] as const;
/** Every service an endpoint can be configured for. */
export const endpointServices = [...awsServices, ...sourceOnlyServices] as const;
export type EndpointService = (typeof endpointServices)[number];

/** The ARN's service part for each ("states" is Step Functions, "logs" CloudWatch Logs). */
const arnServices = new Map<string, AwsService>([
  ['sqs', 'sqs'],
  ['sns', 'sns'],
  ['lambda', 'lambda'],
  ['states', 'sfn'],
  ['kinesis', 'kinesis'],
  ['firehose', 'firehose'],
  ['logs', 'cloudwatch-logs'],
]);

/**
 * The service-specific environment variable's suffix, as the SDKs spell it (the service id,
 * upper-case, spaces as underscores: "CloudWatch Logs" -> CLOUDWATCH_LOGS).
 */
const envSuffixes: Record<EndpointService, string> = {
  sqs: 'SQS',
  sns: 'SNS',
  lambda: 'LAMBDA',
  sfn: 'SFN',
  kinesis: 'KINESIS',
  firehose: 'FIREHOSE',
  'cloudwatch-logs': 'CLOUDWATCH_LOGS',
  'dynamodb-streams': 'DYNAMODB_STREAMS',
};

/** Lambda's InvocationType: EventBridge invokes asynchronously (Event); `sam local start-lambda` only answers RequestResponse. */
export type LambdaInvocationType = 'Event' | 'RequestResponse';

export interface ServiceEndpoint {
  url: string;
  /** Lambda only (default Event). */
  invocationType?: LambdaInvocationType;
}

export type ServiceEndpoints = Partial<Record<EndpointService, string | ServiceEndpoint>>;

/** The context an in-process Lambda handler receives (the parts a handler usually reads). */
export interface LambdaContext {
  functionName: string;
  functionVersion: string;
  invokedFunctionArn: string;
  awsRequestId: string;
  memoryLimitInMB: string;
  logGroupName: string;
  logStreamName: string;
  callbackWaitsForEmptyEventLoop: boolean;
  getRemainingTimeInMillis(): number;
}

export type LambdaHandler = (event: unknown, context: LambdaContext) => unknown;

/** A Lambda function without a runtime: a URL the event is POSTed to, or a handler run in process. */
export type LambdaBinding = string | LambdaHandler;

export interface ServiceCredentials {
  accessKeyId: string;
  secretAccessKey: string;
}

export class ServiceEndpointError extends Error {}

export function serviceOfArn(arn: string): AwsService | undefined {
  const parsed = parseArn(arn);
  return parsed ? arnServices.get(parsed.service) : undefined;
}

export function isAwsService(name: string): name is AwsService {
  return (awsServices as readonly string[]).includes(name);
}

export function isEndpointService(name: string): name is EndpointService {
  return (endpointServices as readonly string[]).includes(name);
}

/** AWS_ENDPOINT_URL_<SERVICE> for each service, else AWS_ENDPOINT_URL (as the SDKs resolve them). */
export function serviceEndpointsFromEnv(env: NodeJS.ProcessEnv = process.env): ServiceEndpoints {
  const endpoints: ServiceEndpoints = {};
  for (const service of endpointServices) {
    const url = env[`AWS_ENDPOINT_URL_${envSuffixes[service]}`] || env.AWS_ENDPOINT_URL;
    if (url) endpoints[service] = { url: checkedUrl(url, `AWS_ENDPOINT_URL_${envSuffixes[service]}`) };
  }
  return endpoints;
}

/** `--service-endpoint sqs=http://127.0.0.1:9324` or `lambda=http://127.0.0.1:3001,invocation-type=RequestResponse`. */
export function parseServiceEndpointFlag(spec: string): [EndpointService, ServiceEndpoint] {
  const [head, ...options] = spec.split(',');
  const eq = head.indexOf('=');
  const service = head.slice(0, eq).trim().toLowerCase().replace(/^logs$/, 'cloudwatch-logs');
  if (eq <= 0 || !isEndpointService(service)) {
    throw new ServiceEndpointError(`--service-endpoint: expected <service>=<url> with service one of ${endpointServices.join(', ')}; got "${spec}"`);
  }
  const endpoint: ServiceEndpoint = { url: checkedUrl(head.slice(eq + 1).trim(), `--service-endpoint ${service}`) };
  for (const option of options) {
    const [key, value] = option.split('=').map((s) => s.trim());
    if (service === 'lambda' && key === 'invocation-type' && (value === 'Event' || value === 'RequestResponse')) endpoint.invocationType = value;
    else throw new ServiceEndpointError(`--service-endpoint: unknown option "${option}" (lambda takes invocation-type=Event|RequestResponse)`);
  }
  return [service, endpoint];
}

/** `--lambda <function name or ARN>=<url>`. */
export function parseLambdaFlag(spec: string): [string, string] {
  const at = spec.search(/=https?:\/\//);
  if (at <= 0) throw new ServiceEndpointError(`--lambda: expected <function name or ARN>=http://..., got "${spec}"`);
  return [spec.slice(0, at), checkedUrl(spec.slice(at + 1), '--lambda')];
}

function checkedUrl(url: string, source: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ServiceEndpointError(`${source}: not a URL: ${url}`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new ServiceEndpointError(`${source}: an endpoint is http:// or https://, got ${url}`);
  return url.replace(/\/+$/, '');
}

const loopbackHosts = new Set(['localhost', '::1', '[::1]', '0.0.0.0', '::', '[::]']);
const isLoopback = (host: string) => loopbackHosts.has(host) || host.startsWith('127.');

export interface ServiceDirectoryOptions {
  endpoints?: ServiceEndpoints;
  lambdas?: Record<string, LambdaBinding> | Map<string, LambdaBinding>;
  credentials?: ServiceCredentials;
}

/** What the senders ask: where a service is, which binding a function has, how to sign. */
export class ServiceDirectory {
  private readonly endpoints = new Map<EndpointService, ServiceEndpoint>();
  private readonly lambdas: Map<string, LambdaBinding>;
  private self: { host: string; port: number } | undefined;

  constructor(private readonly options: ServiceDirectoryOptions = {}) {
    for (const [service, endpoint] of Object.entries(options.endpoints ?? {})) {
      if (!isEndpointService(service)) throw new ServiceEndpointError(`serviceEndpoints: unknown service ${service} (one of ${endpointServices.join(', ')})`);
      if (endpoint) this.endpoints.set(service, typeof endpoint === 'string' ? { url: checkedUrl(endpoint, `serviceEndpoints.${service}`) } : { ...endpoint, url: checkedUrl(endpoint.url, `serviceEndpoints.${service}`) });
    }
    const lambdas = options.lambdas;
    this.lambdas = lambdas instanceof Map ? new Map(lambdas) : new Map(Object.entries(lambdas ?? {}));
  }

  /** The emulator's own address, once it listens: an endpoint equal to it is ignored (see endpoint()). */
  listeningOn(host: string, port: number): void {
    this.self = { host, port };
  }

  /**
   * The service's endpoint, unless it is this emulator itself: a user who points
   * AWS_ENDPOINT_URL at the emulator (so their own code reaches it) must not make it
   * send SQS or Lambda calls to itself.
   */
  endpoint(service: EndpointService): ServiceEndpoint | undefined {
    const endpoint = this.endpoints.get(service);
    return endpoint && !this.isSelf(endpoint.url) ? endpoint : undefined;
  }

  /** The binding of a Lambda function, by its ARN (qualified or not) or its name. */
  lambdaBinding(arn: string): LambdaBinding | undefined {
    if (this.lambdas.size === 0) return undefined;
    const name = lambdaFunctionName(arn);
    const unqualified = arn.split(':').slice(0, 7).join(':');
    return this.lambdas.get(arn) ?? this.lambdas.get(unqualified) ?? (name === undefined ? undefined : this.lambdas.get(name));
  }

  /** Whether a target of this ARN is delivered for real (else it is captured). */
  delivers(arn: string): AwsService | undefined {
    const service = serviceOfArn(arn);
    if (!service) return undefined;
    if (service === 'lambda' && this.lambdaBinding(arn) !== undefined) return service;
    return this.endpoint(service) ? service : undefined;
  }

  /** Default: the target's account as access key id (moto and LocalStack take a 12-digit key as the account). */
  credentialsFor(account: string): ServiceCredentials {
    return this.options.credentials ?? { accessKeyId: account, secretAccessKey: 'eventbridge-local' };
  }

  get configured(): boolean {
    return this.endpoints.size > 0 || this.lambdas.size > 0;
  }

  private isSelf(url: string): boolean {
    if (!this.self) return false;
    const parsed = new URL(url);
    const port = Number(parsed.port || (parsed.protocol === 'https:' ? 443 : 80));
    if (port !== this.self.port) return false;
    const host = parsed.hostname.toLowerCase();
    const selfHost = this.self.host.toLowerCase();
    return host === selfHost || (isLoopback(host) && isLoopback(selfHost));
  }
}

/** `arn:aws:lambda:<region>:<account>:function:<name>[:<qualifier>]` -> name. */
export function lambdaFunctionName(arn: string): string | undefined {
  const parts = arn.split(':');
  return parts[5] === 'function' ? parts[6] : undefined;
}

export function lambdaQualifier(arn: string): string | undefined {
  return arn.split(':')[7];
}
