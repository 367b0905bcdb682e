/** Every AWS quota and emulator limit in one place. Sources in docs/compatibility.md and ../shared/aws-facts.md. */
export const limits = {
  /** Request bodies beyond this are refused before parsing (emulator limit; AWS's entry cap is 1 MB). */
  maxRequestBodyBytes: 4 * 1024 * 1024,
  /** Default page size when a List* call gives no Limit. */
  defaultPageSize: 100,
  tagsPerResource: 50,
  /** How long a pipe stays CREATING, UPDATING, STARTING, STOPPING or DELETING (emulator choice: AWS takes seconds to a minute). */
  pipeTransitionMs: 500,
  /** A pipe whose source had nothing polls again after this long (on the emulator's clock). */
  pipeIdlePollMs: 200,
  targetsPerRule: 5,
  eventBusesPerAccount: 100,
  rulesPerEventBus: 300,
  putEventsEntries: 10,
  /** Sum of entry sizes per PutEvents request (raised from 256 KB to 1 MB on 2026-01-29). */
  putEventsTotalBytes: 1024 * 1024,
  connectionsPerAccount: 3_000,
  apiDestinationsPerAccount: 3_000,
  /** InvocationRateLimitPerSecond when none is given (the quota's default). */
  defaultInvocationRateLimitPerSecond: 300,
  /** API destinations: client execution timeout of one invocation. */
  invocationTimeoutMs: 5_000,
  /** AWS's default RetryPolicy: 185 retries within 24 hours. */
  defaultMaximumRetryAttempts: 185,
  defaultMaximumEventAgeSeconds: 86_400,
  /** Backoff between attempts: exponential from the base, capped, with jitter (AWS publishes no schedule). */
  retryBaseDelayMs: 1_000,
  retryMaxDelayMs: 5 * 60_000,
  /** Deliveries in flight at once across all targets. */
  deliveryConcurrency: 32,
  /**
   * Of those, at most this many for one destination (target ARN) and for one account, so the
   * rest stay free for others: an endpoint that never answers holds its slots for the whole
   * invocation timeout (emulator policy: AWS publishes no such scheduling).
   */
  deliveryConcurrencyPerDestination: 24,
  deliveryConcurrencyPerAccount: 24,
  /** Event-bus targets may forward an event this many times before it is refused (loop guard). */
  eventBusHops: 5,
  /**
   * Deliveries one original event may make in all, counted over every bus it is forwarded to
   * (loop guard for breadth: see src/apis/events/bus/router.ts). Above one bus's own most (300 rules x 5
   * targets), so a bus's first fan-out is never cut. Emulator policy.
   */
  fanOutPerEvent: 2_000,
  /** Original events whose fan-out is counted at once (the oldest are forgotten first). */
  fanOutEventsTracked: 10_000,
  /** Inspection records kept (oldest dropped first). */
  capturesPerTarget: 1_000,
  /** ... and no more than 8 MiB of them per target (as the recent events per bus). */
  captureBytesPerTarget: 8 * 1024 * 1024,
  deadLettersPerQueue: 10_000,
  /** Recent events kept per bus for inspection: the last 1,000, and no more than 8 MiB of them. */
  recentEventsPerBus: 1_000,
  recentEventBytesPerBus: 8 * 1024 * 1024,
  /** Finished deliveries kept for inspection: the last 10,000, and no more than 32 MiB of them. */
  deliveryHistory: 10_000,
  deliveryHistoryBytes: 32 * 1024 * 1024,
  /**
   * Unsent bytes the live stream (/_eventbridge-local/stream) holds for one client; a client that
   * falls further behind is disconnected (its EventSource reconnects and the page reloads).
   * One message larger than this is still sent to a client that is caught up.
   */
  streamClientBufferBytes: 1024 * 1024,
  /**
   * Bytes of an API destination's response body kept with each attempt (the rest is cut; the size
   * is kept). Small on purpose: a pending job keeps the responses of its last attemptRequestsKept
   * attempts, and 100,000 pending jobs retrying against an error page would hold them all.
   */
  attemptResponseBodyBytes: 1024,
  /** Attempts of one delivery that keep the request as sent and the response (older attempts keep their outcome only). */
  attemptRequestsKept: 3,
  /**
   * Pending deliveries of one account beyond which its PutEvents and PutPartnerEvents answer
   * ThrottlingException (emulator policy; AWS throttles PutEvents by a TPS quota). Overridable
   * with --max-pending-deliveries.
   */
  defaultMaxPendingDeliveries: 100_000,
  /**
   * --max-pending-deliveries bounds each account; the whole queue holds at most this many times
   * it (then every account's PutEvents is refused, and internal producers wait).
   */
  pendingBoundFactor: 2,
} as const;
