/** Start the real emulator on an ephemeral port and talk to it as a user would. */
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { createEmulator, type Emulator, type EmulatorOptions } from '../../src/index.js';

export interface Running {
  emulator: Emulator;
  url: string;
  /** An SDK client for account 000000000000 in us-east-1. */
  client: EventBridgeClient;
  clientFor(accessKeyId: string, region?: string): EventBridgeClient;
  close(): Promise<void>;
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<Running> {
  const emulator = await createEmulator({ port: 0, dataDir: undefined, logLevel: 'silent', ...options });
  const { url } = await emulator.listen();
  if (emulator.adminToken) adminTokens.set(url, emulator.adminToken);
  const clients: EventBridgeClient[] = [];
  const clientFor = (accessKeyId: string, region = 'us-east-1') => {
    const client = new EventBridgeClient({
      endpoint: url,
      region,
      credentials: { accessKeyId, secretAccessKey: 'test-secret' },
      maxAttempts: 1,
    });
    clients.push(client);
    return client;
  };
  const client = clientFor('test');
  return {
    emulator,
    url,
    client,
    clientFor,
    async close() {
      for (const c of clients) c.destroy();
      adminTokens.delete(url);
      await emulator.close();
    },
  };
}

/** Admin tokens of the emulators this process started (--require-auth), by URL. */
const adminTokens = new Map<string, string>();

/**
 * Headers for /_eventbridge-local/* as the user's own tools send them: JSON, and under
 * --require-auth the emulator's admin token.
 */
export function adminHeaders(url: string): Record<string, string> {
  const token = adminTokens.get(url);
  return { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) };
}

/** POST /_eventbridge-local/reset, as a CI suite does between tests. */
export async function resetEmulator(url: string): Promise<void> {
  const res = await fetch(`${url}/_eventbridge-local/reset`, { method: 'POST', headers: adminHeaders(url), body: '{}' });
  if (res.status !== 200) throw new Error(`reset answered ${res.status}: ${await res.text()}`);
}

/** Start an emulator, run `use` against it, and close it whatever happens. */
export async function withEmulator<T>(options: EmulatorOptions, use: (emu: Running) => Promise<T>): Promise<T> {
  const emu = await startEmulator(options);
  try {
    return await use(emu);
  } finally {
    await emu.close();
  }
}

/** Expect an SDK call to fail with this AWS error type, message and HTTP status. */
export async function expectAwsError(call: Promise<unknown>, type: string, message?: string | RegExp, status = 400): Promise<void> {
  let caught: any;
  try {
    await call;
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeDefined();
  expect(caught.name).toBe(type);
  expect(caught.$metadata?.httpStatusCode).toBe(status);
  if (typeof message === 'string') expect(caught.message).toBe(message);
  else if (message) expect(caught.message).toMatch(message);
}

/** A raw AWS JSON 1.1 request, for what the SDK would never send. */
export async function rawCall(url: string, target: string | undefined, body: string, headers: Record<string, string> = {}) {
  const res = await fetch(url + '/', {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-amz-json-1.1',
      ...(target ? { 'X-Amz-Target': `AWSEvents.${target}` } : {}),
      ...headers,
    },
    body,
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, json: text ? JSON.parse(text) : undefined };
}

/**
 * One emulator for a test file: started before all tests, closed after, and reset
 * before each test unless `resetEach` is false. The returned object stands for the
 * running emulator once the file's tests run.
 */
export function useEmulator(options: EmulatorOptions = {}, { resetEach = true } = {}): Running {
  let running: Running | undefined;
  beforeAll(async () => {
    running = await startEmulator(options);
  });
  afterAll(() => running?.close());
  if (resetEach) beforeEach(() => resetEmulator(running!.url));
  return new Proxy({} as Running, {
    get(_target, key) {
      if (!running) throw new Error('the emulator starts in beforeAll: use it inside tests');
      return running[key as keyof Running];
    },
  });
}
