/**
 * createEmulator(): the whole emulator as a library, usable from a user's own tests.
 *
 *   const emu = await createEmulator({ port: 0, dataDir: undefined });
 *   const { url } = await emu.listen();
 *   ...
 *   await emu.close();
 */
import type { AddressInfo } from 'node:net';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import express from 'express';
import { randomBytes } from 'node:crypto';
import { badAdminToken, badDefaultAccount, defaultConfig, isAccountId, isAdminToken, requireAuthWithoutCredentials, type EmulatorConfig } from './config.js';
import { adminGuard } from './inspect/guard.js';
import { hostPolicy } from './wire/hosts.js';
import { errorHandler, notServed } from './wire/fallback.js';
import { awsApiHandler, awsApiRouter } from './wire/app.js';
import { inspectRouter } from './inspect/routes.js';
import { dashboardRouter } from './inspect/dashboard.js';
import { EventStream } from './inspect/stream.js';
import { Store } from './store/store.js';
import { lowdbStateFile } from './store/lowdbFile.js';
import { DeliveryJournal } from './store/journal.js';
import { ControlJournal } from './store/controlJournal.js';
import { lockDataDir, type DataDirLock } from './store/dataDirLock.js';
import { StateFileError } from './store/errors.js';
import type { WriteFaults } from './store/writeFaults.js';
import { newEventBus, defaultBusName } from './apis/events/domain/eventBuses.js';
import { eventBusArn } from './apis/events/domain/arns.js';
import type { DeadLetterMessage, DeliveryJob, NamespaceState } from './store/schema.js';
import { VirtualClock } from './util/clock.js';
import { addMissingArchiveRules } from './apis/events/domain/archives.js';
import { DeliveryEngine } from './engine/delivery/engine.js';
import { DeliveryHistory } from './engine/delivery/history.js';
import { captureSender, eventBusSender, targetKind, type ForwardToBus, type TargetKind } from './engine/delivery/senders.js';
import { ServiceDirectory } from './engine/delivery/serviceEndpoints.js';
import { AwsClients } from './engine/delivery/awsClients.js';
import { awsServiceSender, deadLetterAttributesKey } from './engine/delivery/awsSenders.js';
import { awsEventsRouter } from './inspect/awsEvents.js';
import { apiDestinationSender } from './engine/delivery/apiDestinationSender.js';
import { ConnectionAuth } from './engine/delivery/connectionAuth.js';
import { invocationTimeoutMs, sendHttp } from './engine/delivery/httpClient.js';
import { InvocationRateLimiter } from './engine/delivery/rateLimiter.js';
import { ownEndpointCheck } from './engine/delivery/ownEndpoint.js';
import { EventRouter } from './apis/events/bus/router.js';
import { accessDenied, policyAllows } from './apis/events/domain/permissions.js';
import type { EventEnvelope } from './apis/events/bus/envelope.js';
import { RuleScheduler } from './apis/events/scheduledRules/ruleScheduler.js';
import { ScheduleRunner } from './apis/scheduler/runner.js';
import { withAttemptNumber } from './apis/scheduler/attemptNumber.js';
import { schedulerDeadLetter } from './apis/scheduler/deadLetter.js';
import { schedulerApi } from './apis/scheduler/restJson.js';
import { pipesApi } from './apis/pipes/api.js';
import { pipeRecordPaths } from './apis/pipes/state.js';
import { PipeRunner } from './apis/pipes/runner.js';
import { PipeLifecycle } from './apis/pipes/lifecycle.js';
import { sourceCheck } from './apis/pipes/sourceCheck.js';
import { pipeParts } from './apis/pipes/parts.js';
import { pipesInspection } from './apis/pipes/inspect.js';
import { RestJsonWire } from './wire/restJson.js';
import { ReplayRunner } from './apis/events/replay/replayRunner.js';
import { randomIds, type Ids } from './util/ids.js';
import { createLogger, type Logger, type LogSink } from './util/log.js';
import { version } from './version.js';
import { limits } from './limits.js';
import { WebhookRegistry } from './webhooks/registry.js';
import { webhookAdminRouter, webhooksRouter } from './webhooks/routes.js';
import { table } from './store/schema.js';
import type { PipeStepDeps } from './apis/pipes/steps.js';

export interface EmulatorOptions extends Partial<EmulatorConfig> {
  clock?: VirtualClock;
  ids?: Ids;
  logSink?: LogSink;
  /** Randomness for retry jitter (tests pin it). */
  random?: () => number;
  /** Test seam: fail or cut short the store's file writes (a full disk). */
  writeFaults?: WriteFaults;
  /** Compact the delivery journal when it holds this many lines over twice the live records (default 50,000; tests set it low). */
  compactionSlackLines?: number;
}

export interface Emulator {
  readonly app: express.Express;
  readonly store: Store;
  readonly clock: VirtualClock;
  readonly config: EmulatorConfig;
  readonly engine: DeliveryEngine;
  readonly history: DeliveryHistory;
  /** Inbound webhooks and their secrets (configuration: kept across reset, never persisted). */
  readonly webhooks: WebhookRegistry;
  /** What a pipe's enrichment and target steps are built from (src/apis/pipes/steps.ts): the rule targets' senders' dependencies. */
  readonly pipeSteps: PipeStepDeps;
  /** Under --require-auth: the token that opens /_eventbridge-local/* (`Authorization: Bearer <token>`). */
  readonly adminToken?: string;
  listen(): Promise<{ url: string; port: number }>;
  close(): Promise<void>;
}

export const stateFileName = 'state.json';
/** How long a producer that waits for room in a full delivery queue waits before it looks again. */
const queueFullRetryMs = 1_000;

export async function createEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const config: EmulatorConfig = { ...defaultConfig, ...options };
  if ('dataDir' in options) config.dataDir = options.dataDir;
  if (config.requireAuth && config.credentials.length === 0) throw new Error(requireAuthWithoutCredentials);
  if (!isAccountId(config.defaultAccount)) throw new Error(badDefaultAccount);
  if (config.adminToken !== undefined && !isAdminToken(config.adminToken)) throw new Error(badAdminToken);
  const clock = options.clock ?? new VirtualClock();
  const ids = options.ids ?? randomIds;
  const log = createLogger(config.logLevel, options.logSink);
  // One data directory, one emulator: taken before anything is read, released by close().
  let lock: DataDirLock | undefined;
  if (config.dataDir) {
    await mkdir(config.dataDir, { recursive: true, mode: 0o700 });
    lock = await lockDataDir(config.dataDir, (holder) => log.warn('stale data-directory lock taken over (its emulator is gone)', { dir: config.dataDir, holder }));
  }
  try {
    return await startEmulator(config, options, clock, ids, log, lock);
  } catch (err) {
    await lock?.release();
    throw err;
  }
}

async function startEmulator(config: EmulatorConfig, options: EmulatorOptions, clock: VirtualClock, ids: Ids, log: Logger, lock: DataDirLock | undefined): Promise<Emulator> {
  // Under --require-auth the emulator's own endpoints need this token (or a signature).
  const adminToken = config.requireAuth ? (config.adminToken ?? randomBytes(24).toString('base64url')) : undefined;
  const faults = options.writeFaults;
  const file = config.dataDir
    ? lowdbStateFile(join(config.dataDir, stateFileName), {
        moveAsideCorrupt: config.moveAsideCorruptState,
        onMovedAside: (from, to, why) => log.warn('unusable state file moved aside; starting empty', { from, to, why }),
        faults,
      })
    : undefined;
  const journal = config.dataDir
    ? new DeliveryJournal(config.dataDir, {
        moveAsideCorrupt: config.moveAsideCorruptState,
        onMovedAside: (from, to, why) => log.warn('damaged delivery file moved aside; what it held before the damage and every other file are kept', { from, to, why }),
        onCut: (path, cut) => log.warn('cut the unacknowledged end of a delivery journal (an append cut short: never acknowledged)', { path, ...cut }),
        faults,
      })
    : undefined;
  const controlJournal = config.dataDir
    ? new ControlJournal(config.dataDir, {
        moveAsideCorrupt: config.moveAsideCorruptState,
        onMovedAside: (from, to, why) => log.warn('damaged control-plane journal moved aside; the changes before the damage are kept', { from, to, why }),
        onCut: (path, cut) => log.warn('cut the unacknowledged end of the control-plane journal (an append cut short: never acknowledged)', { path, ...cut }),
        faults,
      })
    : undefined;
  let onRolledBack = () => {};
  const store = await Store.open(file, (account, region) => newNamespace(account, region, clock.now()), {
    journal,
    controlJournal,
    // --max-pending-deliveries bounds each account (src/engine/delivery/backpressure.ts); the queue as a whole holds a multiple of it.
    maxPendingDeliveries: config.maxPendingDeliveries * limits.pendingBoundFactor,
    compactionSlackLines: options.compactionSlackLines,
    moveAsideCorrupt: config.moveAsideCorruptState,
    onStartedWithout: (what, fields) => log.warn(what, fields),
    onCompactionError: (err) => log.error('delivery journal compaction failed; it is retried later', { error: String(err) }),
    onWriteError: (err) => log.error('state write failed; the requests that changed it were answered with an error', { error: String(err) }),
    onRolledBack: () => onRolledBack(),
  });

  // Time is part of the state: pending retries keep their virtual due times across a restart.
  clock.setOffset(store.clockOffsetMs);
  // Every advance is saved, in-process ones (emulator.clock.advance) too; POST /clock also awaits the write.
  clock.onAdvanced = (offsetMs) => {
    store.clockOffsetMs = offsetMs;
    store.changedAt('clockOffsetMs');
    store.persistChanges().catch((err) => log.error('saving the clock offset failed', { error: String(err) }));
  };
  const history = new DeliveryHistory();
  let router: EventRouter;
  const forwardToBus: ForwardToBus = (account, region, busName, job) => {
    // Another account's bus takes the event only if its resource policy allows the rule's account;
    // one that does not exist is refused alike (no policy allows anything on it), and its
    // account's namespace is not created.
    const crossAccount = account !== job.account;
    const ns = crossAccount ? store.findNamespace(account, region) : store.namespace(account, region);
    const bus = ns?.eventBuses[busName];
    if (crossAccount && (!bus || !policyAllows(bus.policy, job.account, 'events:PutEvents', bus.arn))) {
      return { ok: false, errorCode: 'NO_PERMISSIONS', errorMessage: accessDenied(job.account, eventBusArn(region, account, busName)) };
    }
    if (!ns || !bus) return { ok: false, errorCode: 'NO_RESOURCE', errorMessage: `Event bus ${busName} does not exist.` };
    // Backpressure: with the queue full the hop waits in the queue (no attempt counted) instead of growing it.
    if (store.delivery.full) return { ok: false, deferUntil: clock.now() + queueFullRetryMs };
    return router.forward(ns, busName, job.event as unknown as EventEnvelope, job.hops + 1);
  };
  // Connections and API destinations: one token manager for the actions and the sender, and the rate limiter.
  const connectionAuth = new ConnectionAuth({
    clock,
    ids,
    log,
    router: { route: (ns, busName, event) => router.route(ns, busName, event) },
    send: sendHttp,
    timeoutMs: invocationTimeoutMs,
    // The connection and the API destinations whose state follows it (syncApiDestinations).
    changed: (ns, conn) => {
      store.changed(ns, 'connections', conn.name);
      store.changed(ns, 'apiDestinations');
    },
  });
  const limiter = new InvocationRateLimiter();
  const apiDestinations = { strict: config.strict, auth: connectionAuth };
  let listening: { host: string; port: number } | undefined;
  const isOwnEndpoint = ownEndpointCheck(() => listening);
  const toApiDestination = apiDestinationSender({ store, clock, auth: connectionAuth, limiter, send: sendHttp, timeoutMs: invocationTimeoutMs, isOwnEndpoint });
  // Where the AWS services that targets name are; none configured: every such target is captured.
  const services = new ServiceDirectory({ endpoints: config.serviceEndpoints, lambdas: config.lambdas, credentials: config.serviceCredentials });
  const awsClients = new AwsClients();
  const serviceKinds = new Map<string, TargetKind>();
  const kindOf = (arn: string): TargetKind => {
    let kind = serviceKinds.get(arn);
    if (kind === undefined) {
      kind = targetKind(arn);
      if (kind === 'captured' && services.delivers(arn)) kind = 'aws-service';
      if (serviceKinds.size >= 10_000) serviceKinds.clear();
      serviceKinds.set(arn, kind);
    }
    return kind;
  };
  let engine: DeliveryEngine;
  // With SQS at an endpoint a dead-letter queue is a real queue: the dead letter is a durable job of its own.
  const sendDeadLetter = (job: DeliveryJob, message: DeadLetterMessage): boolean => {
    if (kindOf(message.queueArn) !== 'aws-service') return false;
    engine.enqueue(deadLetterJob(job, message, ids.uuid(), clock.now()));
    return true;
  };
  engine = new DeliveryEngine({
    store,
    clock,
    log,
    history,
    random: options.random ?? Math.random,
    // Scheduler's attempt number is filled in per attempt (apis/scheduler/attemptNumber.ts).
    senders: {
      'event-bus': withAttemptNumber(eventBusSender(forwardToBus)),
      'api-destination': withAttemptNumber(toApiDestination),
      'aws-service': withAttemptNumber(awsServiceSender({ directory: services, clients: awsClients, clock, send: sendHttp, timeoutMs: invocationTimeoutMs, uuid: () => ids.uuid() })),
      captured: withAttemptNumber(captureSender(store.delivery)),
    },
    immediate: ['captured'],
    ...(services.configured ? { kindOf, sendDeadLetter } : {}),
    deadLetterOf: schedulerDeadLetter,
  });
  router = new EventRouter({ records: store.delivery, clock, ids, log, history, engine });
  const pipeSteps: PipeStepDeps = {
    store,
    clock,
    auth: connectionAuth,
    limiter,
    send: sendHttp,
    timeoutMs: invocationTimeoutMs,
    isOwnEndpoint,
    directory: services,
    clients: awsClients,
    records: store.delivery,
    forwardToBus,
    kindOf,
    uuid: () => ids.uuid(),
    onAttempt: (call) => pipeRunner.attempted(call),
    ...(config.apiGatewayUrl ? { apiGatewayUrl: apiGatewayUrlOf(config.apiGatewayUrl) } : {}),
  };
  const persistPipe = (ns: NamespaceState, pipeName: string) => {
    for (const path of pipeRecordPaths(ns, pipeName)) store.changed(ns, ...path);
    return store.persistChanges();
  };
  const pipeRunner = new PipeRunner({ clock, log, ...pipeParts({ services, clients: awsClients, log, steps: pipeSteps }), persist: persistPipe, idlePollMs: limits.pipeIdlePollMs });
  const scheduler = new RuleScheduler(clock, ids, (ns, busName, event, rule) => {
    router.route(ns, busName, event, { ownerRule: rule });
    // A scheduled event changes the delivery side only (queue, captures): no rewrite of state.json.
    void store.persistDeliveries();
  });
  const schedules = new ScheduleRunner({ clock, ids, random: options.random ?? Math.random, engine, changed: (ns, ...path) => store.changed(ns, ...path), persist: () => void store.persistChanges() });
  const rulesChanged = (ns: NamespaceState, bus: string, rule?: string) => {
    router.rulesChanged(ns, bus);
    if (rule === undefined) scheduler.sync(ns, bus);
    else scheduler.syncRule(ns, bus, rule);
  };
  const replays = new ReplayRunner(store, clock, router, log);
  const pipes = new PipeLifecycle({ clock, log, runner: pipeRunner, checkSource: sourceCheck(services, awsClients), persist: persistPipe });
  let archiveRulesAdded = false;
  try {
    engine.resume();
    archiveRulesAdded = addMissingArchiveRules(store.namespaces(), clock.now(), () => ids.uuid());
    scheduler.syncAll(store.namespaces());
    schedules.resume(store.namespaces());
    replays.resumeAll(store.namespaces());
    pipes.syncAll(store.namespaces());
  } catch (err) {
    // A record the shape check let through, that the runtime cannot use: refused like a damaged file.
    await store.close().catch(() => undefined);
    throw new StateFileError(
      `State file ${store.path ?? '(memory)'} is unusable: the emulator could not load it (${(err as Error).message}). ` +
        `Refusing to start so that no state is lost; move the file aside (or fix it), or start with --move-aside-corrupt-state.`,
    );
  }
  if (archiveRulesAdded) await store.persist();
  // After a failed state.json write rolled the control plane back: rule indexes and schedules again.
  onRolledBack = () => {
    router.clear();
    scheduler.stop();
    scheduler.syncAll(store.namespaces());
    schedules.stop();
    schedules.syncAll(store.namespaces());
    pipes.syncAll(store.namespaces());
  };

  const onReset = [
    () => {
      engine.reset();
      router.clear();
      scheduler.stop();
      schedules.stop();
      replays.stop();
      history.clear();
      connectionAuth.reset();
      limiter.reset();
      clock.setOffset(0); // back to real time; store.reset() drops the saved offset
    },
    async () => {
      await pipes.stop();
      await pipeRunner.stop();
    },
  ];
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  const webhooks = new WebhookRegistry(config.webhooks, () => clock.now(), config.defaultAccount);
  // Signatures are checked against wall-clock time: SDKs sign with real time, whatever the virtual clock says.
  const auth = config.requireAuth
    ? { credentials: new Map(config.credentials.map((k) => [k.accessKeyId, k.secretAccessKey])), now: () => Date.now() }
    : undefined;
  // First of everything under /_eventbridge-local, the webhook admin included.
  app.use('/_eventbridge-local', adminGuard({ host: config.host, allowedHosts: config.allowedHosts, ids, auth: auth && adminToken ? { token: adminToken, verify: auth } : undefined }));
  app.use('/_eventbridge-local/webhooks', webhookAdminRouter(webhooks));
  app.use('/webhooks', webhooksRouter({ registry: webhooks, store, clock, ids, log, router }));
  const stream = new EventStream({ history, engine });
  app.use('/_eventbridge-local', dashboardRouter({ store, engine, history, stream, armedSchedules: () => schedules.armedSchedules() }));
  app.use('/_eventbridge-local/aws-events', awsEventsRouter({ store, clock, ids, log, router }));
  // Scheduler's schedules that will fire, with their next invocation time (behind the admin guard above).
  app.get('/_eventbridge-local/schedules', (_req, res) => {
    res.json({ schedules: schedules.armedSchedules().map((s) => ({ ...s, nextInvocationAt: new Date(s.nextInvocationAt).toISOString() })) });
  });
  // Pipes, their state and what each did with the batches its source offered.
  app.use('/_eventbridge-local/pipes', pipesInspection({ store, runner: pipeRunner }));
  app.use('/_eventbridge-local', inspectRouter({ store, clock, version, startedAt: Date.now(), onReset, engine, history }));
  const awsApi = awsApiHandler({ store, clock, ids, log, router, rulesChanged, replays, apiDestinations }, { auth, defaultAccount: config.defaultAccount, hosts: hostPolicy(config.host, config.allowedHosts) });
  // REST-JSON Scheduler and Pipes calls (no X-Amz-Target; their scope, or a path of their model) go to their own wire.
  const restJson = new RestJsonWire(
    [
      schedulerApi({ store, clock, changed: (ns, asOf, schedule) => (schedule ? schedules.syncSchedule(ns, schedule.groupName, schedule.name, asOf) : schedules.sync(ns, asOf)) }),
      pipesApi({ store, clock, transitionMs: limits.pipeTransitionMs, changed: (ns) => pipes.sync(ns) }),
    ],
    { ids, log, auth, defaultAccount: config.defaultAccount, hosts: hostPolicy(config.host, config.allowedHosts) },
  );
  // The app serves Scheduler and Pipes too, for a user who mounts it in their own server (onRequest
  // below hands these requests over before express when the emulator's own server listens).
  app.use((req, res, next) => (restJson.handles(req) ? restJson.handle(req, res) : next()));
  app.use(awsApiRouter(awsApi));
  app.use(notServed(ids));
  app.use(errorHandler(ids, log));
  // Every SDK call is `POST /`: the server hands those straight to the wire layer, sparing
  // each one express's routing (a large share of a PutEvents' cost); the rest goes to express.
  const onRequest = (req: IncomingMessage, res: ServerResponse) =>
    req.method === 'POST' && req.url === '/' ? awsApi(req, res) : restJson.handles(req) ? restJson.handle(req, res) : app(req, res);

  let server: Server | undefined;
  return {
    app,
    store,
    clock,
    config,
    engine,
    history,
    webhooks,
    pipeSteps,
    adminToken,
    listen: () =>
      new Promise((resolve, reject) => {
        const s = createServer(onRequest).listen(config.port, config.host, () => {
          const port = (s.address() as AddressInfo).port;
          listening = { host: config.host, port };
          services.listeningOn(config.host, port);
          serviceKinds.clear();
          const host = config.host.includes(':') ? `[${config.host}]` : config.host;
          resolve({ url: `http://${host}:${port}`, port });
        });
        s.once('error', reject);
        server = s;
      }),
    async close() {
      stream.close();
      if (server) {
        const s = server;
        await new Promise<void>((resolve) => s.close(() => resolve()));
        s.closeAllConnections();
      }
      scheduler.stop();
      schedules.stop();
      await pipes.stop();
      await pipeRunner.stop();
      replays.stop();
      engine.stop();
      awsClients.close();
      clock.stop();
      clock.onAdvanced = undefined;
      try {
        await store.close();
      } finally {
        await lock?.release();
      }
    },
  };
}

/** A dead letter bound for a real SQS queue: SendMessage of the event with AWS's DLQ message attributes. */
function deadLetterJob(job: DeliveryJob, message: DeadLetterMessage, id: string, now: number): DeliveryJob {
  return {
    id,
    account: job.account,
    region: job.region,
    ruleArn: job.ruleArn,
    ruleName: job.ruleName,
    eventBusName: job.eventBusName,
    target: { Id: job.target.Id, Arn: message.queueArn, [deadLetterAttributesKey]: message.attributes },
    event: job.event,
    payload: message.body,
    hops: job.hops,
    createdAt: now,
    nextAttemptAt: now,
    attempts: [],
  };
}

function newNamespace(account: string, region: string, now: number): NamespaceState {
  const ns: NamespaceState = {
    account,
    region,
    eventBuses: table(),
    rules: table(),
    tags: table(),
    partnerEventSources: table(),
    eventSources: table(),
    archives: table(),
    replays: table(),
    endpoints: table(),
    connections: table(),
    apiDestinations: table(),
  };
  ns.eventBuses[defaultBusName] = newEventBus(ns, defaultBusName, now);
  return ns;
}

export { serviceEndpointsFromEnv } from './engine/delivery/serviceEndpoints.js';
export type { AwsService, LambdaBinding, LambdaContext, LambdaHandler, ServiceCredentials, ServiceEndpoint, ServiceEndpoints } from './engine/delivery/serviceEndpoints.js';

/** `--api-gateway-url`'s template filled in for one REST API's stage. */
function apiGatewayUrlOf(template: string): (apiId: string, stage: string, region: string) => string {
  return (apiId, stage, region) =>
    template.replaceAll('{apiId}', encodeURIComponent(apiId)).replaceAll('{stage}', encodeURIComponent(stage)).replaceAll('{region}', encodeURIComponent(region));
}
