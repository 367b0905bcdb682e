// One crash run, shared by test/reliability/crash.test.ts and bench/reliability/crash.mjs:
// the emulator runs as a child process with a file store, a rule sends every event to an
// API destination on a local HTTP server that answers 503 to some requests (so retries are
// pending), the emulator is killed with SIGKILL mid-run, restarted on the same data dir and
// drained on the virtual clock. Every EventId PutEvents returned must then be delivered
// (a 2xx from the server), dead-lettered or still pending. Loopback only, every loop bounded.
import http from 'node:http';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';

export const cliPath = fileURLToPath(new URL('../../dist/src/cli.js', import.meta.url));
const dlqArn = 'arn:aws:sqs:us-east-1:000000000000:crash-dlq';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** The emulator as a child process; resolves once it prints its "listening on" line. */
export function startEmulatorProcess(dataDir, extraArgs = []) {
  const child = spawn(process.execPath, [cliPath, '--port', '0', '--data-dir', dataDir, '--log-level', 'silent', ...extraArgs], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (d) => {
      out += d;
      const url = /listening on (http:\/\/\S+)/.exec(out)?.[1];
      if (url) resolve({ url, child, stderr: () => err });
    });
    child.once('exit', (code, signal) => reject(new Error(`emulator exited (${code ?? signal}) before listening: ${err}`)));
  });
}

export function killHard(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

/** 20% of events fail their first attempt (retry pending), 5% fail every attempt (dead-lettered). */
function fate(id) {
  const h = createHash('sha1').update(id).digest().readUInt16BE(0) % 100;
  return h < 5 ? 'always-fail' : h < 25 ? 'fail-once' : 'ok';
}

/** The API behind the destination: records which event ids got a 2xx. */
export async function startFlakyApi() {
  const attempts = new Map();
  const delivered = new Set();
  let requests = 0;
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      requests++;
      let id = '';
      try {
        id = JSON.parse(body).id ?? '';
      } catch {}
      const n = (attempts.get(id) ?? 0) + 1;
      attempts.set(id, n);
      const f = fate(id);
      const fail = f === 'always-fail' || (f === 'fail-once' && n === 1);
      if (!fail) delivered.add(id);
      res.writeHead(fail ? 503 : 200, { 'Content-Type': 'application/json' });
      res.end(fail ? '{"message":"unavailable"}' : '{"ok":true}');
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${server.address().port}`;
  return {
    url,
    delivered,
    requests: () => requests,
    close: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 32 });

export function request(url, method, path, body, headers = {}) {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    const req = http.request(url + path, { method, agent, headers: { ...(data ? { 'Content-Length': Buffer.byteLength(data) } : {}), ...headers } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode, text, json: text ? safeJson(text) : undefined }));
    });
    req.setTimeout(30_000, () => req.destroy(new Error(`timeout: ${method} ${path}`)));
    req.on('error', reject);
    req.end(data);
  });
}
const safeJson = (t) => { try { return JSON.parse(t); } catch { return undefined; } };

export async function aws(url, operation, input) {
  const res = await request(url, 'POST', '/', input, { 'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': `AWSEvents.${operation}` });
  if (res.status !== 200) throw new Error(`${operation} answered ${res.status}: ${res.text}`);
  return res.json;
}

/** Connection (API key) -> API destination on the flaky API -> rule on the default bus -> target with 2 retries and a DLQ. */
export async function setUpDelivery(url, apiUrl, rateLimit = 300) {
  const { ConnectionArn } = await aws(url, 'CreateConnection', {
    Name: 'crash-api', AuthorizationType: 'API_KEY', AuthParameters: { ApiKeyAuthParameters: { ApiKeyName: 'x-api-key', ApiKeyValue: 'k' } },
  });
  const { ApiDestinationArn } = await aws(url, 'CreateApiDestination', {
    Name: 'crash-dest', ConnectionArn, InvocationEndpoint: `${apiUrl}/events`, HttpMethod: 'POST', InvocationRateLimitPerSecond: rateLimit,
  });
  await aws(url, 'PutRule', { Name: 'crash-rule', EventPattern: JSON.stringify({ source: ['crash.test'] }) });
  const put = await aws(url, 'PutTargets', {
    Rule: 'crash-rule',
    Targets: [{
      Id: 'api', Arn: ApiDestinationArn, RoleArn: 'arn:aws:iam::000000000000:role/invoke',
      RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 3600 }, DeadLetterConfig: { Arn: dlqArn },
    }],
  });
  if (put.FailedEntryCount !== 0) throw new Error(`PutTargets failed: ${JSON.stringify(put)}`);
}

/**
 * Put `events` events at `ratePerSecond` (batches of 10) and SIGKILL the emulator once
 * `killAfter` of them were accepted. Returns the accepted EventIds.
 */
async function driveAndKill(emu, { events, ratePerSecond, killAfter }) {
  const accepted = [];
  const batch = 10;
  const intervalMs = (1000 * batch) / ratePerSecond;
  const start = performance.now();
  let sent = 0;
  let killed;
  const inflight = new Set();
  let seq = 0;
  while (sent < events && !killed) {
    const due = start + (sent / batch) * intervalMs;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    const entries = Array.from({ length: Math.min(batch, events - sent) }, () => ({ Source: 'crash.test', DetailType: 'tick', Detail: JSON.stringify({ seq: seq++ }) }));
    sent += entries.length;
    const p = aws(emu.url, 'PutEvents', { Entries: entries })
      .then((res) => { for (const e of res.Entries) if (e.EventId && !e.ErrorCode) accepted.push(e.EventId); })
      .catch(() => {}) // requests cut by the kill: nothing was returned, nothing is owed
      .finally(() => inflight.delete(p));
    inflight.add(p);
    if (inflight.size > 256) await Promise.race(inflight); // bounded concurrency
    if (accepted.length >= killAfter && !killed) killed = killHard(emu.child);
  }
  if (!killed) killed = killHard(emu.child);
  await killed;
  await Promise.allSettled(inflight);
  return { accepted, sent, seconds: (performance.now() - start) / 1000 };
}

async function listAll(url, path, key) {
  const out = [];
  let token;
  for (let i = 0; i < 1000; i++) {
    const sep = path.includes('?') ? '&' : '?';
    const res = await request(url, 'GET', `/_eventbridge-local/${path}${sep}limit=1000${token ? `&nextToken=${token}` : ''}`);
    out.push(...res.json[key]);
    token = res.json.nextToken;
    if (!token) break;
  }
  return out;
}

/** Advance the virtual clock until nothing is pending (bounded), returning what is left. */
async function drain(url, api, { rounds = 120 } = {}) {
  let pending = [];
  for (let i = 0; i < rounds; i++) {
    await request(url, 'POST', '/_eventbridge-local/clock', { advanceSeconds: 60 }, { 'Content-Type': 'application/json' });
    await sleep(100);
    pending = await listAll(url, 'deliveries?status=pending', 'deliveries');
    if (pending.length === 0) break;
  }
  return pending;
}

export async function crashRun({ dataDir, events, ratePerSecond, killFraction = 0.5 }) {
  const api = await startFlakyApi();
  let emu = await startEmulatorProcess(dataDir);
  try {
    await setUpDelivery(emu.url, api.url, 1000);
    const drive = await driveAndKill(emu, { events, ratePerSecond, killAfter: Math.floor(events * killFraction) });
    const deliveredBeforeRestart = api.delivered.size;
    const restartStart = performance.now();
    emu = await startEmulatorProcess(dataDir);
    const restartMs = performance.now() - restartStart;
    const pendingAtRestart = (await listAll(emu.url, 'deliveries?status=pending', 'deliveries')).length;
    const pending = await drain(emu.url, api);
    const deadLetters = await listAll(emu.url, 'dead-letters', 'messages');
    const dlqIds = new Set(deadLetters.map((m) => safeJson(m.body)?.id));
    const pendingIds = new Set(pending.map((d) => d.eventId));
    const counts = { accepted: drive.accepted.length, delivered: 0, deadLettered: 0, pending: 0, missing: 0 };
    const missing = [];
    for (const id of drive.accepted) {
      if (api.delivered.has(id)) counts.delivered++;
      else if (dlqIds.has(id)) counts.deadLettered++;
      else if (pendingIds.has(id)) counts.pending++;
      else { counts.missing++; missing.push(id); }
    }
    return {
      ...counts, missingIds: missing.slice(0, 10), sent: drive.sent, driveSeconds: drive.seconds, deliveredBeforeRestart, pendingAtRestart,
      restartMs, apiRequests: api.requests(), uniqueIds: new Set(drive.accepted).size,
    };
  } finally {
    await killHard(emu.child);
    await api.close();
  }
}
