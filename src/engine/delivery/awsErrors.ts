/**
 * A failed call to an AWS service as an outcome: AWS's DLQ error code and whether
 * EventBridge would retry it. User Guide, "Using dead-letter queues to process undelivered
 * events": errors from missing permissions, a target resource that no longer exists, or an
 * address that does not resolve are not retried; throttling, server errors, timeouts and
 * network conditions are ("How EventBridge retries delivering events": "If the target
 * resource is unavailable", "Due to network conditions").
 */
import type { SendOutcome } from './senders.js';

const notFound = new Set([
  'QueueDoesNotExist',
  'AWS.SimpleQueueService.NonExistentQueue',
  'NotFound',
  'NotFoundException',
  'ResourceNotFoundException',
  'ResourceNotFound',
  'StateMachineDoesNotExist',
  'StateMachineDeleting',
]);

const denied = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'AuthorizationError',
  'AuthorizationErrorException',
  'UnrecognizedClientException',
  'InvalidClientTokenId',
  'InvalidSignatureException',
  'SignatureDoesNotMatch',
  'KMSAccessDeniedException',
  'KMSDisabledException',
]);

const throttled = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestThrottled',
  'RequestLimitExceeded',
  'ProvisionedThroughputExceededException',
  'KMSThrottlingException',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'EC2ThrottledException',
]);

interface SdkError {
  name?: string;
  code?: string;
  message?: string;
  $fault?: 'client' | 'server';
  $metadata?: { httpStatusCode?: number };
}

export function outcomeOfAwsError(err: unknown, what: string, request: unknown): SendOutcome {
  const e = (err ?? {}) as SdkError;
  const name = e.name ?? 'Error';
  const status = e.$metadata?.httpStatusCode;
  const message = `${what}: ${name}: ${e.message ?? String(err)}`;
  const fail = (errorCode: string, retryable: boolean): SendOutcome => ({ ok: false, statusCode: status, errorCode, errorMessage: message, retryable, request, response: { error: name, message: e.message, statusCode: status } });
  const code = e.code ?? (err as { cause?: { code?: string } })?.cause?.code;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return fail('CONNECTION_FAILURE', false);
  if (name === 'TimeoutError' || code === 'ETIMEDOUT' || name === 'RequestTimeout') return fail('TIMEOUT', true);
  if (code && /^E[A-Z]+$/.test(code)) return fail('CONNECTION_FAILURE', true);
  if (status === undefined && !e.$fault) return fail('CONNECTION_FAILURE', true);
  if (throttled.has(name) || status === 429) return fail('THROTTLING', true);
  if (notFound.has(name) || status === 404) return fail('NO_RESOURCE', false);
  if (denied.has(name) || status === 403) return fail('NO_PERMISSIONS', false);
  if (e.$fault === 'server' || (status !== undefined && status >= 500)) return fail('ERROR_FROM_TARGET', true);
  return fail('INVALID_PARAMETER', false);
}
