/**
 * /_eventbridge-local/health-checks: the Route 53 health checks global endpoints watch.
 *
 *   POST {"healthCheckArn": "arn:aws:route53:::healthcheck/…", "healthy": false}
 *     marks the health check unhealthy: PutEvents through every endpoint whose primary
 *     watches it goes to the secondary Region (at once; on AWS failover takes minutes).
 *     `"healthy": true` routes back to the primary.
 *   GET lists every health check an endpoint names or a test set, with its status and
 *     the endpoints that watch it.
 *
 * A health check nobody set is healthy. The statuses live in the store (a reset forgets them).
 */
import express from 'express';
import type { Store } from '../store/store.js';
import type { Clock } from '../util/clock.js';
import { settleEndpoints } from '../apis/events/domain/endpoints.js';
import { healthCheckArnPattern, isHealthy, setHealth } from '../apis/events/domain/healthChecks.js';

export interface HealthCheckDeps {
  store: Store;
  clock: Clock;
}

export function healthChecksRouter(deps: HealthCheckDeps): express.Router {
  const router = express.Router();

  router.get('/', (_req, res) => {
    res.json({ healthChecks: [...knownHealthChecks(deps)].sort().map((arn) => view(deps, arn)) });
  });

  router.post('/', async (req, res) => {
    const body = (req.body ?? {}) as { healthCheckArn?: unknown; healthy?: unknown };
    if (typeof body.healthCheckArn !== 'string' || !healthCheckArnPattern.test(body.healthCheckArn) || typeof body.healthy !== 'boolean') {
      res.status(400).json({
        message: 'Body must be {"healthCheckArn": "arn:aws:route53:::healthcheck/<id>", "healthy": <boolean>}.',
      });
      return;
    }
    setHealth(deps.store, body.healthCheckArn, body.healthy, deps.clock.now());
    deps.store.changedAt('healthChecks', body.healthCheckArn);
    await deps.store.persistChanges();
    res.json(view(deps, body.healthCheckArn));
  });

  return router;
}

/** Every endpoint of every account and Region (deleted ones leave once their DELETING time is over). */
function allEndpoints({ store, clock }: HealthCheckDeps) {
  const now = clock.now();
  return store.namespaces().flatMap((ns) => Object.values(settleEndpoints(ns, now)));
}

function knownHealthChecks(deps: HealthCheckDeps): Set<string> {
  const arns = new Set(Object.keys(deps.store.healthChecks));
  for (const endpoint of allEndpoints(deps)) arns.add(endpoint.healthCheck);
  return arns;
}

function view(deps: HealthCheckDeps, healthCheckArn: string) {
  const record = deps.store.healthChecks[healthCheckArn];
  const endpoints = allEndpoints(deps)
    .filter((endpoint) => endpoint.healthCheck === healthCheckArn)
    .map((endpoint) => ({ arn: endpoint.arn, endpointId: endpoint.endpointId }));
  return {
    healthCheckArn,
    healthy: isHealthy(deps.store, healthCheckArn),
    updatedAt: record ? new Date(record.updatedAt).toISOString() : undefined,
    endpoints,
  };
}
