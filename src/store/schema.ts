/**
 * The persisted state, versioned. Resources are namespaced by (account, region);
 * times are epoch milliseconds. These are store records, not wire shapes:
 * src/apis/events/domain/ mappers build responses from them.
 */
/**
 * Version 2 moved the delivery side (queue, captures, dead letters, archived events) out of
 * state.json into the delivery journal (src/store/journal.ts); version 1 files are migrated.
 */
/** Version 3: the delivery journal's lines are sealed and its journals headed (journal.ts); state.json is written before the first journal. */
/**
 * Version 4: control-plane changes since state.json was written whole are in its journal, state-<controlJournal>.journal (controlJournal.ts); a namespace may hold `pipes`
 * (EventBridge Pipes: pipes, tags, stream checkpoints, batch records; both came in the same session, so no emulator reads 4 without pipes). */
export const schemaVersion = 4;

export interface DeadLetterConfig {
  Arn?: string;
}

export interface LogConfig {
  IncludeDetail?: string;
  Level?: string;
}

export interface EventBusRecord {
  name: string;
  arn: string;
  description?: string;
  kmsKeyIdentifier?: string;
  deadLetterConfig?: DeadLetterConfig;
  logConfig?: LogConfig;
  /** The bus's resource policy as a JSON document (PutPermission). */
  policy?: string;
  /** Partner event source this bus receives from, for partner buses. */
  eventSourceName?: string;
  creationTime: number;
  lastModifiedTime: number;
}

export const ruleStates = ['ENABLED', 'DISABLED', 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS'] as const;
export type RuleState = (typeof ruleStates)[number];

/**
 * A rule target is kept exactly as PutTargets gave it (Id, Arn, RoleArn, Input*,
 * RetryPolicy, DeadLetterConfig and every service parameter block), because
 * ListTargetsByRule returns it as given and delivery reads it as configured.
 */
export type TargetRecord = { Id: string; Arn: string } & Record<string, unknown>;

export interface RuleRecord {
  name: string;
  arn: string;
  eventBusName: string;
  eventPattern?: string;
  scheduleExpression?: string;
  state: RuleState;
  description?: string;
  roleArn?: string;
  /** The AWS service that manages the rule, for managed rules. */
  managedBy?: string;
  /** The account that created the rule. */
  createdBy: string;
  /** Targets in the order they were first put. */
  targets: TargetRecord[];
  creationTime: number;
  /** When the rule was created or last (re)enabled: anchors `rate()` schedules. */
  scheduleAnchor: number;
}

export interface NamespaceState {
  account: string;
  region: string;
  eventBuses: Record<string, EventBusRecord>;
  /** Rules by bus name, then by rule name. */
  rules: Record<string, Record<string, RuleRecord>>;
  /** Tags by resource ARN. */
  tags: Record<string, Record<string, string>>;
  /**
   * Partner side: the partner event sources this account created as a SaaS partner, by name.
   * Optional because state files written before partner sources existed lack it; read it
   * through partnerSourcesOf() in src/apis/events/domain/partnerSources.ts.
   */
  partnerEventSources?: Record<string, PartnerEventSourceRecord>;
  /** Customer side: the partner event sources offered to this account, by name (read through eventSourcesOf()). */
  eventSources?: Record<string, EventSourceRecord>;
  /** Connections by name (read through connectionsOf() in src/apis/events/domain/connections.ts; absent in older state files). */
  connections?: Record<string, ConnectionRecord>;
  /** API destinations by name (read through apiDestinationsOf() in src/apis/events/domain/apiDestinations.ts). */
  apiDestinations?: Record<string, ApiDestinationRecord>;
  /** Archives by name (their events are in State.archivedEvents). */
  archives: Record<string, ArchiveRecord>;
  /** Replays by name. */
  replays: Record<string, ReplayRecord>;
  /** Global endpoints whose home (primary) Region this is, by name (read through endpointsOf() in src/apis/events/domain/endpoints.ts). */
  endpoints?: Record<string, EndpointRecord>;
}

export const endpointStates = ['ACTIVE', 'CREATING', 'UPDATING', 'DELETING', 'CREATE_FAILED', 'UPDATE_FAILED', 'DELETE_FAILED'] as const;
export type EndpointState = (typeof endpointStates)[number];

/** A global endpoint. It lives in the namespace of its home Region, which is its primary Region. */
export interface EndpointRecord {
  name: string;
  arn: string;
  description?: string;
  /** `<10 lowercase alphanumerics>.veo`, the subdomain of its URL. */
  endpointId: string;
  /** Route 53 health check of the primary Region (RoutingConfig.FailoverConfig.Primary.HealthCheck). */
  healthCheck: string;
  /** RoutingConfig.FailoverConfig.Secondary.Route. */
  secondaryRegion: string;
  replicationState: 'ENABLED' | 'DISABLED';
  /** The two event bus ARNs, in the order given. */
  eventBusArns: string[];
  roleArn?: string;
  state: EndpointState;
  stateReason?: string;
  /** When the current CREATING, UPDATING or DELETING state ends, on the virtual clock. */
  transitionEndsAt?: number;
  creationTime: number;
  lastModifiedTime: number;
}

/** A Route 53 health check's status as a test set it (POST /_eventbridge-local/health-checks). */
export interface HealthCheckRecord {
  healthy: boolean;
  updatedAt: number;
}

export const archiveStates = ['ENABLED', 'DISABLED', 'CREATING', 'UPDATING', 'CREATE_FAILED', 'UPDATE_FAILED'] as const;

export interface ArchiveRecord {
  name: string;
  arn: string;
  /** The ARN of the bus whose events it keeps. */
  eventSourceArn: string;
  eventBusName: string;
  description?: string;
  eventPattern?: string;
  kmsKeyIdentifier?: string;
  /** 0 keeps events forever. */
  retentionDays: number;
  state: (typeof archiveStates)[number];
  creationTime: number;
  /** Tells this archive from an earlier one of the same name; its managed rule's target names it. */
  incarnation?: string;
}

/** An event as an archive keeps it: the envelope and when it was ingested. */
export interface ArchivedEvent {
  at: number;
  event: Record<string, unknown>;
  sizeBytes: number;
}

export type ReplayState = 'STARTING' | 'RUNNING' | 'CANCELLING' | 'COMPLETED' | 'CANCELLED' | 'FAILED';

export interface ReplayRecord {
  name: string;
  arn: string;
  description?: string;
  /** The archive's ARN. */
  eventSourceArn: string;
  archiveName: string;
  destination: { Arn: string; FilterArns?: string[] };
  eventStartTime: number;
  eventEndTime: number;
  state: ReplayState;
  stateReason?: string;
  replayStartTime: number;
  replayEndTime?: number;
  eventLastReplayedTime?: number;
  /** How many of the window's events were replayed so far (to resume after a restart). */
  replayedCount: number;
}

/** A partner event source as its partner sees it: which customer account it was offered to. */
export interface PartnerEventSourceRecord {
  name: string;
  arn: string;
  /** The customer account the source was offered to. */
  account: string;
  creationTime: number;
}

/**
 * A partner event source as the customer sees it. Its State is derived, not stored:
 * DELETED once the partner deleted it, ACTIVE while the matching partner bus exists
 * and is not deactivated, PENDING otherwise (src/apis/events/domain/partnerSources.ts).
 */
export interface EventSourceRecord {
  name: string;
  arn: string;
  /** The partner name (second segment of the source name), e.g. `datadog.com`. */
  createdBy: string;
  /** The partner account that owns the source (and may put events to it). */
  partnerAccount: string;
  creationTime: number;
  /** Start of the current PENDING spell the 2-week expiry counts from (creation or deactivation); unset once associated. */
  pendingSince?: number;
  deactivated?: boolean;
  /** The partner deleted the source while the customer's partner bus existed. */
  deleted?: boolean;
}

/** One attempt to deliver a job, as the inspection API shows it. */
export interface AttemptRecord {
  at: number;
  latencyMs: number;
  ok: boolean;
  /** HTTP status, for HTTP targets. */
  statusCode?: number;
  /** AWS's DLQ error code vocabulary: ERROR_FROM_TARGET, TIMEOUT, CONNECTION_FAILURE, NO_RESOURCE ... */
  errorCode?: string;
  errorMessage?: string;
  /** What was sent, for HTTP targets (secrets masked) and AWS service calls. */
  request?: unknown;
  /** What the target answered: an HTTP target's status, headers and cut body (src/engine/delivery/attemptResponse.ts), an AWS service's answer or a Lambda binding's. */
  response?: unknown;
}

/**
 * One (event, rule, target) pair that PutEvents accepted. It is in the state file
 * before PutEvents answers and leaves it only when delivered, dead-lettered or dropped.
 */
export interface DeliveryJob {
  id: string;
  account: string;
  region: string;
  ruleArn: string;
  ruleName: string;
  eventBusName: string;
  /** The target as configured when the event matched. */
  target: TargetRecord;
  event: Record<string, unknown>;
  /** The rendered target input (what goes on the wire). */
  payload: string;
  /** Event-bus hops so far, to stop loops between buses. */
  hops: number;
  createdAt: number;
  nextAttemptAt: number;
  attempts: AttemptRecord[];
  /** The target's HttpParameters were already taken from the event (a pipe resolves them against the parsed body): the sender sends them as they are. */
  httpParametersResolved?: true;
  /** A Scheduler invocation's own facts (its dead letter names them). */
  invocation?: { executionId: string; scheduledTime: number; missed?: boolean };
}

/** What a target of a service this emulator does not run would have received. */
export interface CapturedPayload {
  targetArn: string;
  targetId: string;
  ruleArn: string;
  eventId: string;
  at: number;
  /** The body as sent: the rendered target input. */
  payload: string;
  /** Service parameter blocks of the target (SqsParameters, KinesisParameters ...), as configured. */
  parameters: Record<string, unknown>;
}

/** A message in a dead-letter queue, with AWS's message attributes. */
export interface DeadLetterMessage {
  queueArn: string;
  at: number;
  body: string;
  attributes: Record<string, string>;
}

/** The delivery side: what PutEvents produces. Kept in the delivery journal, not in state.json. */
export interface DeliveryData {
  /** The durable delivery queue, by job id. */
  deliveries: Record<string, DeliveryJob>;
  /** Captured payloads by target ARN, oldest first (bounded). */
  captures: Record<string, CapturedPayload[]>;
  /** Dead-letter queue contents by queue ARN, oldest first (bounded). */
  deadLetters: Record<string, DeadLetterMessage[]>;
  /** Archived events by archive ARN, in ingestion order. */
  archivedEvents: Record<string, ArchivedEvent[]>;
}

/** The control plane, as state.json holds it (written whole, atomically). */
export interface State {
  schemaVersion: number;
  /** Keyed by `${account}:${region}`. */
  namespaces: Record<string, NamespaceState>;
  /** Route 53 health-check statuses by ARN (global, as Route 53 is); absent in older state files. */
  healthChecks?: Record<string, HealthCheckRecord>;
  /** How far the virtual clock is ahead of real time (ms); absent means real time. */
  clockOffsetMs?: number;
  /** The generation of the control-plane journal that holds the changes since this file was written (version 4). */
  controlJournal?: number;
}

/** A version 1 state.json also held the delivery side; it is migrated to the journal on start-up. */
export type LegacyState = State & Partial<DeliveryData>;

export function emptyState(): State {
  return { schemaVersion, namespaces: table(), healthChecks: table() };
}

export function emptyDeliveryData(): DeliveryData {
  return { deliveries: table(), captures: table(), deadLetters: table(), archivedEvents: table() };
}

/**
 * A table keyed by strings a caller chose (names, ARNs, tag keys): an object without a
 * prototype, so `__proto__`, `constructor`, `toString` ... are keys like any other (all are
 * valid EventBridge names). A plain `{}` would find Object.prototype's members under them,
 * and `t['__proto__'] = x` would replace its prototype instead of adding an entry.
 */
export function table<T>(entries?: Record<string, T>): Record<string, T> {
  const t = Object.create(null) as Record<string, T>;
  // Object.assign sets each key with [[Set]], which on a null-prototype object defines `__proto__` as data.
  return entries ? Object.assign(t, entries) : t;
}

/** An empty table for reads that must not create one (never written to). */
export const noEntries: Readonly<Record<string, never>> = Object.freeze(table<never>());

/**
 * State as JSON.parse gave it, with every object made null-prototype (in place: a copy of a
 * 10,000-rule state cost ~3x more at start-up, most of it garbage collection): JSON.parse builds
 * Object.prototype objects, in which a name never created, such as `constructor`, would be found.
 * Records become null-prototype too, which also covers the caller's maps they hold (a target's
 * InputPathsMap, HttpParameters ...). An own `__proto__` key that JSON.parse defined stays an own
 * data property. The file format does not change: JSON.stringify writes both kinds alike.
 */
export function reviveTables<T>(value: T): T {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) reviveTables(value[i]);
    return value;
  }
  if (value === null || typeof value !== 'object') return value;
  Object.setPrototypeOf(value, null);
  // With no prototype left, `in` walks the object's own enumerable keys only.
  for (const key in value) reviveTables((value as Record<string, unknown>)[key]);
  return value;
}

/**
 * reviveTables for a whole state, except that rule records and their targets keep
 * Object.prototype, as PutRule and PutTargets make them (an object literal, and the request's
 * structures): they hold only fixed field names, never a caller's key. The tables above them
 * and every object inside them (a target's InputPathsMap ...) become null-prototype as before.
 * Why: the rules are nearly all of a large state (two objects per rule), and
 * Object.setPrototypeOf on each cost ~20 ms of a 10,000-rule start-up (profile, 2026-12-02).
 * Expects a state of stateShape.ts's shape (start-up checks it first).
 */
export function reviveState<T extends State>(state: T): T {
  Object.setPrototypeOf(state, null);
  for (const key in state) {
    if (key !== 'namespaces') reviveTables((state as Record<string, unknown>)[key]);
  }
  const namespaces = Object.setPrototypeOf(state.namespaces, null) as Record<string, NamespaceState>;
  for (const nsKey in namespaces) {
    const ns = Object.setPrototypeOf(namespaces[nsKey], null) as NamespaceState;
    for (const key in ns) {
      if (key !== 'rules') reviveTables((ns as unknown as Record<string, unknown>)[key]);
    }
    const byBus = Object.setPrototypeOf(ns.rules, null) as NamespaceState['rules'];
    for (const bus in byBus) {
      const rules = Object.setPrototypeOf(byBus[bus], null) as Record<string, RuleRecord>;
      for (const name in rules) {
        const rule = rules[name];
        for (const field in rule) {
          const value = (rule as unknown as Record<string, unknown>)[field];
          if (field === 'targets') for (let i = 0; i < rule.targets.length; i++) reviveFields(rule.targets[i]);
          else if (typeof value === 'object') reviveTables(value);
        }
      }
    }
  }
  return state;
}

/** reviveTables for the values of `record`, which itself keeps its prototype. */
function reviveFields(record: Record<string, unknown>): void {
  for (const field in record) {
    const value = record[field];
    if (typeof value === 'object') reviveTables(value);
  }
}

export function namespaceKey(account: string, region: string): string {
  return `${account}:${region}`;
}

export const connectionStates = ['CREATING', 'UPDATING', 'DELETING', 'AUTHORIZED', 'DEAUTHORIZED', 'AUTHORIZING', 'DEAUTHORIZING', 'ACTIVE', 'FAILED_CONNECTIVITY'] as const;
export type ConnectionState = (typeof connectionStates)[number];
export type ConnectionAuthorizationType = 'BASIC' | 'OAUTH_CLIENT_CREDENTIALS' | 'API_KEY';

/** One header, query-string or body parameter of a connection, as given (Value may be secret). */
export interface ConnectionHttpParameter {
  Key: string;
  Value?: string;
  IsValueSecret?: boolean;
}

export interface ConnectionHttpParameters {
  HeaderParameters?: ConnectionHttpParameter[];
  QueryStringParameters?: ConnectionHttpParameter[];
  BodyParameters?: ConnectionHttpParameter[];
}

/**
 * A connection's authorization parameters exactly as given, secrets included (AWS keeps
 * them in a Secrets Manager secret; here they live in the state file, mode 0600). They
 * never reach a response, a log line or the inspection API: src/apis/events/domain/connections.ts
 * builds the wire form without them.
 */
export interface ConnectionAuthParameters {
  BasicAuthParameters?: { Username?: string; Password?: string };
  ApiKeyAuthParameters?: { ApiKeyName?: string; ApiKeyValue?: string };
  OAuthParameters?: {
    ClientParameters?: { ClientID?: string; ClientSecret?: string };
    AuthorizationEndpoint?: string;
    HttpMethod?: string;
    OAuthHttpParameters?: ConnectionHttpParameters;
  };
  InvocationHttpParameters?: ConnectionHttpParameters;
  ConnectivityParameters?: { ResourceParameters: { ResourceConfigurationArn: string } };
}

/** An OAuth access token obtained for a connection (persisted, as AWS keeps it in the connection's secret). */
export interface OAuthTokenRecord {
  accessToken: string;
  obtainedAt: number;
  /** Absent when the authorization endpoint gave no expires_in: then only a 401/407 refreshes it. */
  expiresAt?: number;
}

export interface ConnectionRecord {
  name: string;
  arn: string;
  description?: string;
  authorizationType: ConnectionAuthorizationType;
  /** Undefined after DeauthorizeConnection removed them (and the secret with them). */
  authParameters?: ConnectionAuthParameters;
  /** Undefined while the connection holds no authorization parameters. */
  secretArn?: string;
  /** For a connection to a private API (VPC Lattice resource configuration); then its success state is ACTIVE. */
  invocationConnectivityParameters?: { ResourceParameters: { ResourceConfigurationArn: string } };
  kmsKeyIdentifier?: string;
  state: ConnectionState;
  stateReason?: string;
  creationTime: number;
  lastModifiedTime: number;
  lastAuthorizedTime?: number;
  oauthToken?: OAuthTokenRecord;
}

export interface ApiDestinationRecord {
  name: string;
  arn: string;
  description?: string;
  connectionArn: string;
  invocationEndpoint: string;
  httpMethod: string;
  invocationRateLimitPerSecond: number;
  /** ACTIVE while its connection is AUTHORIZED (or ACTIVE), INACTIVE otherwise; kept in step by src/apis/events/domain/connectionStates.ts. */
  state: 'ACTIVE' | 'INACTIVE';
  creationTime: number;
  lastModifiedTime: number;
}
