// Types for crashRun.mjs, so the jest test can import it.
export interface CrashRunResult {
  accepted: number;
  delivered: number;
  deadLettered: number;
  pending: number;
  missing: number;
  missingIds: string[];
  sent: number;
  driveSeconds: number;
  deliveredBeforeRestart: number;
  pendingAtRestart: number;
  restartMs: number;
  apiRequests: number;
  uniqueIds: number;
}
export function crashRun(opts: { dataDir: string; events: number; ratePerSecond: number; killFraction?: number }): Promise<CrashRunResult>;
export const cliPath: string;
export function startEmulatorProcess(dataDir: string, extraArgs?: string[]): Promise<{ url: string; child: import('node:child_process').ChildProcess; stderr(): string }>;
export function killHard(child: import('node:child_process').ChildProcess): Promise<void>;
export function request(url: string, method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; text: string; json: any }>;
export function aws(url: string, operation: string, input: unknown): Promise<any>;
