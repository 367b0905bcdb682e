/**
 * The CLI's view of where AWS services are: the SDKs' environment variables, a JSON file
 * (`--services-config`) and flags (`--service-endpoint`, `--lambda`), later sources winning
 * per service and per function.
 */
import { readFileSync } from 'node:fs';
import {
  parseLambdaFlag,
  parseServiceEndpointFlag,
  serviceEndpointsFromEnv,
  ServiceEndpointError,
  type ServiceCredentials,
  type ServiceEndpoints,
} from './serviceEndpoints.js';

export interface ServiceConfig {
  serviceEndpoints: ServiceEndpoints;
  lambdas: Record<string, string>;
  serviceCredentials: ServiceCredentials | undefined;
}

export interface ServiceSources {
  env: NodeJS.ProcessEnv;
  file?: string;
  endpointFlags: string[];
  lambdaFlags: string[];
  /** `<id>:<secret>`. */
  credentials?: string;
}

export function readServiceConfig(sources: ServiceSources): ServiceConfig {
  const serviceEndpoints: ServiceEndpoints = serviceEndpointsFromEnv(sources.env);
  const lambdas: Record<string, string> = Object.create(null);
  let serviceCredentials: ServiceCredentials | undefined;
  if (sources.file) {
    const fromFile = readFile(sources.file);
    Object.assign(serviceEndpoints, fromFile.serviceEndpoints);
    Object.assign(lambdas, fromFile.lambdas);
    serviceCredentials = fromFile.serviceCredentials;
  }
  for (const flag of sources.endpointFlags) {
    const [service, endpoint] = parseServiceEndpointFlag(flag);
    serviceEndpoints[service] = endpoint;
  }
  for (const flag of sources.lambdaFlags) {
    const [fn, url] = parseLambdaFlag(flag);
    lambdas[fn] = url;
  }
  if (sources.credentials) serviceCredentials = parseKey(sources.credentials, '--service-credentials');
  return { serviceEndpoints, lambdas: { ...lambdas }, serviceCredentials };
}

function readFile(path: string): ServiceConfig {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new ServiceEndpointError(`--services-config ${path}: ${(err as Error).message}`);
  }
  const body = (parsed ?? {}) as { serviceEndpoints?: unknown; lambdas?: unknown; credentials?: unknown };
  const endpoints: ServiceEndpoints = {};
  for (const [service, value] of Object.entries((body.serviceEndpoints ?? {}) as Record<string, unknown>)) {
    const spec = typeof value === 'string' ? `${service}=${value}` : isEndpointObject(value) ? `${service}=${value.url}${value.invocationType ? `,invocation-type=${value.invocationType}` : ''}` : undefined;
    if (!spec) throw new ServiceEndpointError(`--services-config ${path}: serviceEndpoints.${service} must be a URL or {"url", "invocationType"?}`);
    const [name, endpoint] = parseServiceEndpointFlag(spec);
    endpoints[name] = endpoint;
  }
  const lambdas: Record<string, string> = Object.create(null);
  for (const [fn, url] of Object.entries((body.lambdas ?? {}) as Record<string, unknown>)) {
    if (typeof url !== 'string') throw new ServiceEndpointError(`--services-config ${path}: lambdas.${fn} must be a URL`);
    lambdas[fn] = parseLambdaFlag(`${fn}=${url}`)[1];
  }
  const key = body.credentials as Partial<ServiceCredentials> | undefined;
  if (key !== undefined && (typeof key?.accessKeyId !== 'string' || typeof key?.secretAccessKey !== 'string')) {
    throw new ServiceEndpointError(`--services-config ${path}: credentials must be {"accessKeyId", "secretAccessKey"}`);
  }
  return { serviceEndpoints: endpoints, lambdas, serviceCredentials: key as ServiceCredentials | undefined };
}

function isEndpointObject(value: unknown): value is { url: string; invocationType?: string } {
  return !!value && typeof value === 'object' && typeof (value as { url?: unknown }).url === 'string';
}

function parseKey(entry: string, source: string): ServiceCredentials {
  const colon = entry.indexOf(':');
  // The message never repeats the entry: it may be a secret.
  if (colon <= 0 || colon === entry.length - 1) throw new ServiceEndpointError(`${source} must be <access key id>:<secret>`);
  return { accessKeyId: entry.slice(0, colon), secretAccessKey: entry.slice(colon + 1) };
}
