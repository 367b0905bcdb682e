/**
 * HTTP side of inbound webhooks.
 *
 *   POST /webhooks/<provider>/<bus>            what a SaaS provider posts to (the function URL's twin)
 *   GET|PUT|DELETE /_eventbridge-local/webhooks[/<provider>/<bus>]   configure secrets (never shown)
 *
 * A verified request becomes one PutEvents entry on the configured bus, in the
 * configured account and region, through the same router and durable queue as
 * PutEvents: the event is on disk before the 202 goes out. Statuses and response texts
 * follow AWS's quick-start function (see providers.ts).
 */
import express, { type NextFunction, type Request, type Response } from 'express';
import { limits } from '../limits.js';
import { checkEntry, entrySize, envelopeOf, isEntryFailure } from '../apis/events/bus/putEventsEntry.js';
import type { EventRouter } from '../apis/events/bus/router.js';
import type { Store } from '../store/store.js';
import type { Clock } from '../util/clock.js';
import type { Ids } from '../util/ids.js';
import type { Logger } from '../util/log.js';
import { WebhookConfigError } from './config.js';
import { githubEvent, twilioEvent, type ForwardedEntry, type InboundRequest } from './providers.js';
import type { ConfiguredWebhook, WebhookRegistry } from './registry.js';

export interface WebhookDeps {
  registry: WebhookRegistry;
  store: Store;
  clock: Clock;
  ids: Ids;
  log: Logger;
  router: EventRouter;
}

/**
 * The quick start's quota: "1 MB maximum entry size for PutEvents actions". A body over
 * 1 MB cannot become an entry under it, so it is refused before it is read whole.
 */
const maxBodyBytes = limits.putEventsTotalBytes;

export function webhooksRouter(deps: WebhookDeps): express.Router {
  const router = express.Router();
  router.post('/:provider/:bus', express.raw({ type: () => true, limit: maxBodyBytes }), async (req, res) => {
    const webhook = deps.registry.get(req.params.provider, req.params.bus);
    if (!webhook) {
      res.status(404).type('text/plain').send(`No ${req.params.provider} webhook is configured for event bus ${req.params.bus}.`);
      return;
    }
    const inbound: InboundRequest = { headers: singleHeaders(req), body: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0), url: requestUrl(req) };
    const converted = webhook.provider === 'github' ? githubEvent(inbound, webhook.secret) : twilioEvent(inbound, webhook.secret);
    if ('status' in converted) {
      deps.log.warn('webhook refused', { provider: webhook.provider, bus: webhook.bus, status: converted.status, reason: converted.message });
      res.status(converted.status).type('text/plain').send(converted.message);
      return;
    }
    if (deps.store.delivery.full) {
      // Backpressure (emulator policy): the delivery queue is full; the sender may retry later.
      deps.log.warn('webhook refused: delivery queue full', { provider: webhook.provider, bus: webhook.bus });
      res.status(429).set('Retry-After', '1').type('text/plain').send('Too many pending deliveries; retry later.');
      return;
    }
    const [status, text] = await putEvent(deps, webhook, converted.entry);
    res.status(status).type('text/plain').send(text);
  });
  router.use((err: { type?: string; status?: number }, _req: Request, res: Response, next: NextFunction) => {
    if (err.type !== 'entity.too.large') return next(err);
    res.status(413).type('text/plain').send(`Request body is larger than ${maxBodyBytes} bytes (1 MB, the PutEvents entry size quota).`);
  });
  return router;
}

/** PutEvents of the one entry, as the function does; its failures answer 500 with the function's texts. */
async function putEvent(deps: WebhookDeps, webhook: ConfiguredWebhook, entry: ForwardedEntry): Promise<[number, string]> {
  const put = { ...entry, EventBusName: webhook.bus };
  const checked = checkEntry(put, { allowAwsSources: false });
  if (entrySize(put) > limits.putEventsTotalBytes || isEntryFailure(checked)) {
    // Text as AWS's function answers it, spelling included.
    return [500, 'FailedEntry Error - The entry could not be succesfully forwarded to Amazon EventBridge'];
  }
  const id = deps.ids.uuid();
  const ns = deps.store.namespace(webhook.account, webhook.region);
  // A bus that does not exist drops the event after accepting it, as PutEvents does.
  deps.router.route(ns, webhook.bus, envelopeOf(checked, id, webhook.account, webhook.region, deps.clock.now()));
  // Deliveries only (a namespace created on the way names itself).
  await deps.store.persistChanges();
  deps.log.info('webhook accepted', { provider: webhook.provider, bus: webhook.bus, eventId: id, detailType: entry.DetailType });
  return [202, 'Message forwarded to Amazon EventBridge'];
}

function singleHeaders(req: Request): Record<string, string | undefined> {
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(req.headers)) headers[name] = Array.isArray(value) ? value[0] : value;
  return headers;
}

/**
 * The URL the sender requested. Behind a tunnel (ngrok and the like) the public scheme
 * and host arrive in X-Forwarded-Proto / X-Forwarded-Host; Twilio signs those.
 */
function requestUrl(req: Request): string {
  const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value)?.split(',')[0].trim() || undefined;
  const proto = first(req.headers['x-forwarded-proto']) ?? req.protocol;
  const host = first(req.headers['x-forwarded-host']) ?? req.headers.host;
  return `${proto}://${host}${req.originalUrl}`;
}

/** Configure webhooks at run time. Secrets go in, never out. */
export function webhookAdminRouter(registry: WebhookRegistry): express.Router {
  const router = express.Router();
  router.use(express.json({ limit: '64kb' }));
  router.get('/', (_req, res) => {
    res.json({ webhooks: registry.list() });
  });
  // Add, or rotate the secret of, the webhook at /webhooks/<provider>/<bus>.
  router.put('/:provider/:bus', (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    try {
      if ('secretEnv' in body) throw new WebhookConfigError('webhook: secretEnv is for flags and the config file; send the secret itself');
      res.json(registry.set({ ...body, provider: req.params.provider, bus: req.params.bus }));
    } catch (err) {
      if (!(err instanceof WebhookConfigError)) throw err;
      res.status(400).json({ message: err.message });
    }
  });
  router.delete('/:provider/:bus', (req, res) => {
    if (!registry.remove(req.params.provider, req.params.bus)) {
      res.status(404).json({ message: `No ${req.params.provider} webhook is configured for event bus ${req.params.bus}.` });
      return;
    }
    res.json({ deleted: true });
  });
  return router;
}
