/**
 * `GET /_eventbridge-local/pipes`: every pipe (all accounts and regions) with its state, whether
 * a worker polls its source and the source's last error; `GET /_eventbridge-local/pipes/<ARN>/batches`:
 * what the pipe did with each batch its source offered (batches.ts). Behind the admin guard.
 */
import express from 'express';
import type { Store } from '../../store/store.js';
import { batchesOf } from './batches.js';
import { desiredStateOf, findPipes } from './state.js';
import type { PipeRunner } from './runner.js';

export function pipesInspection(deps: { store: Store; runner: PipeRunner }): express.Router {
  const router = express.Router();
  router.get('/', (_req, res) => {
    const pipes = [];
    for (const ns of deps.store.namespaces()) {
      for (const p of Object.values(findPipes(ns)?.pipes ?? {})) {
        pipes.push({
          account: ns.account,
          region: ns.region,
          name: p.name,
          arn: p.arn,
          currentState: p.currentState,
          desiredState: desiredStateOf(p),
          ...(p.stateReason !== undefined ? { stateReason: p.stateReason } : {}),
          source: p.spec.Source,
          ...(p.spec.Enrichment !== undefined ? { enrichment: p.spec.Enrichment } : {}),
          target: p.spec.Target,
          ...deps.runner.status(ns.account, ns.region, p.arn),
          batches: batchesOf(ns, p.name).length,
        });
      }
    }
    res.json({ pipes });
  });
  router.get('/:arn/batches', (req, res) => {
    const arn = req.params.arn;
    const [, , service, region, account, resource] = arn.split(':');
    const ns = service === 'pipes' ? deps.store.findNamespace(account, region) : undefined;
    const name = resource?.startsWith('pipe/') ? resource.slice('pipe/'.length) : undefined;
    if (!ns || name === undefined || !findPipes(ns)?.pipes[name]) {
      res.status(404).json({ message: `No pipe ${arn.slice(0, 256)}.` });
      return;
    }
    res.json({ arn, batches: batchesOf(ns, name) });
  });
  return router;
}
