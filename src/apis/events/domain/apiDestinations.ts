import { limits } from '../../../limits.js';
/**
 * API destinations: ARNs, lookups, endpoint checks and the wire forms.
 * Sources: aws-facts §6.1, the LocalStack snapshots recorded on AWS (Describe/List
 * members, default rate 300, INACTIVE while the connection is not authorized).
 */
import { LimitExceededException, ResourceAlreadyExistsException, ResourceNotFoundException, ValidationException } from '../../../errors.js';
import type { ApiDestinationRecord, ConnectionRecord, NamespaceState } from '../../../store/schema.js';
import { parseArn } from './arns.js';
import { rememberLast } from '../../../util/rememberLast.js';
import { toEpochSeconds } from './time.js';
import { table } from '../../../store/schema.js';

/** Quota "API destinations" per account and Region (L-FB1C3A6D), default 3,000. */
export const apiDestinationsPerAccount = limits.apiDestinationsPerAccount;
/** Quota "Rate of invocations per API destination" (L-755FD01C): the default InvocationRateLimitPerSecond. */
export const defaultInvocationRateLimitPerSecond = limits.defaultInvocationRateLimitPerSecond;

export const apiDestinationsOf = (ns: NamespaceState): Record<string, ApiDestinationRecord> => (ns.apiDestinations ??= table());

export function apiDestinationArn(region: string, account: string, name: string, uuid: string): string {
  return `arn:aws:events:${region}:${account}:api-destination/${name}/${uuid}`;
}

/** Recorded on AWS for Describe: "Failed to describe the api-destination(s). An api-destination '<name>' does not exist." */
export const apiDestinationNotFound = (name: string, verb = 'describe') =>
  new ResourceNotFoundException(`Failed to ${verb} the api-destination(s). An api-destination '${name}' does not exist.`);

export function getApiDestination(ns: NamespaceState, name: string, verb = 'describe'): ApiDestinationRecord {
  const dest = apiDestinationsOf(ns)[name];
  if (!dest) throw apiDestinationNotFound(name, verb);
  return dest;
}

/** The API destination an ARN names in this namespace (same uuid: a re-created one is another destination). */
export function findApiDestinationByArn(ns: NamespaceState, arn: string): ApiDestinationRecord | undefined {
  const name = apiDestinationNameOf(arn);
  const dest = name === undefined ? undefined : ns.apiDestinations?.[name];
  return dest?.arn === arn ? dest : undefined;
}

/** The name in an API destination's ARN. Every delivery looks its destination up: a run of them to one destination parses its ARN once. */
const apiDestinationNameOf = rememberLast((arn: string): string | undefined => {
  const resource = parseArn(arn)?.resource;
  return resource?.startsWith('api-destination/') ? resource.split('/')[1] : undefined;
});

export function checkApiDestinationCanBeCreated(ns: NamespaceState, name: string): void {
  const all = apiDestinationsOf(ns);
  if (all[name]) throw new ResourceAlreadyExistsException(`An api-destination '${name}' already exists.`);
  if (Object.keys(all).length >= apiDestinationsPerAccount) {
    throw new LimitExceededException('The requested resource exceeds the maximum number allowed.');
  }
}

/**
 * The endpoint must be an absolute http(s) URL. AWS requires HTTPS ("The URL must use
 * HTTPS", User Guide); the model's pattern does not check the scheme, and this emulator
 * accepts http:// so local servers work, unless it runs with --strict. Messages are the
 * emulator's own (AWS's answer to an http:// endpoint is not recorded).
 */
export function checkEndpointUrl(member: string, value: string, strict: boolean): void {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ValidationException(`Parameter ${member} is not valid. Reason: ${value} is not an absolute URL.`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ValidationException(`Parameter ${member} is not valid. Reason: the URL must use HTTPS.`);
  }
  if (strict && url.protocol === 'http:') {
    throw new ValidationException(`Parameter ${member} is not valid. Reason: the URL must use HTTPS (eventbridge-local runs with --strict).`);
  }
}

/** ACTIVE while the connection can authorize invocations: AUTHORIZED (public) or ACTIVE (private). */
export function apiDestinationStateFor(conn: ConnectionRecord | undefined): ApiDestinationRecord['state'] {
  return conn && (conn.state === 'AUTHORIZED' || conn.state === 'ACTIVE') ? 'ACTIVE' : 'INACTIVE';
}

/** DescribeApiDestination. */
export function apiDestinationToWire(dest: ApiDestinationRecord) {
  return {
    ApiDestinationArn: dest.arn,
    Name: dest.name,
    Description: dest.description,
    ApiDestinationState: dest.state,
    ConnectionArn: dest.connectionArn,
    InvocationEndpoint: dest.invocationEndpoint,
    HttpMethod: dest.httpMethod,
    InvocationRateLimitPerSecond: dest.invocationRateLimitPerSecond,
    CreationTime: toEpochSeconds(dest.creationTime),
    LastModifiedTime: toEpochSeconds(dest.lastModifiedTime),
  };
}

/** A ListApiDestinations item: Describe's members without Description (recorded). */
export function apiDestinationSummary(dest: ApiDestinationRecord) {
  const { Description: _omitted, ...item } = apiDestinationToWire(dest);
  return item;
}

/** What Create and Update answer. */
export function apiDestinationOutput(dest: ApiDestinationRecord) {
  const { ApiDestinationArn, ApiDestinationState, CreationTime, LastModifiedTime } = apiDestinationToWire(dest);
  return { ApiDestinationArn, ApiDestinationState, CreationTime, LastModifiedTime };
}
