/**
 * Route 53 health checks, as far as global endpoints need them: healthy or not.
 * The emulator runs no Route 53, so a health check is healthy until a test says
 * otherwise through POST /_eventbridge-local/health-checks (src/inspect/healthChecks.ts).
 * Statuses are kept by ARN for the whole emulator, as Route 53 health checks are
 * global (their ARN names neither account nor Region); a reset forgets them.
 */
import type { HealthCheckRecord } from '../../../store/schema.js';

/** The model's pattern for RoutingConfig.FailoverConfig.Primary.HealthCheck. */
export const healthCheckArnPattern = /^arn:aws([a-z]|-)*:route53:::healthcheck\/[-a-z0-9]+$/;

export interface HealthCheckStatuses {
  readonly healthChecks: Record<string, HealthCheckRecord>;
}

export function isHealthy(statuses: HealthCheckStatuses, healthCheckArn: string): boolean {
  return statuses.healthChecks[healthCheckArn]?.healthy ?? true;
}

export function setHealth(statuses: HealthCheckStatuses, healthCheckArn: string, healthy: boolean, now: number): HealthCheckRecord {
  const record = { healthy, updatedAt: now };
  statuses.healthChecks[healthCheckArn] = record;
  return record;
}
