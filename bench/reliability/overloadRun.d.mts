export interface OverloadResult {
  accepted: number; sent: number; failedCalls: number; floodSeconds: number; putEventsPerSecond: number;
  delivered: number; pending: number; deadLettered: number; missing: number;
  rssBaselineMiB: number; rssPeakMiB: number; rssAfterFloodMiB: number;
  controlCalls: number; controlP50Ms: number; controlP99Ms: number; controlMaxMs: number;
  apiMaxInFlight: number; stateBytes: number;
}
export function overloadRun(opts: { dataDir: string; seconds?: number; maxEvents?: number; concurrency?: number; apiDelayMs?: number; rateLimit?: number }): Promise<OverloadResult>;
