// One overload run, shared by test/reliability/overload.test.ts and bench/reliability/overload.mjs:
// a flood of PutEvents (bounded in count and time) against the emulator as a child process, with a
// rule delivering to an API destination that answers slowly. Measures the emulator's RSS (from
// /proc, Linux) and the latency of control-plane calls made during the flood, then checks that
// every accepted EventId is delivered, dead-lettered or still pending. Figures, not assertions.
import http from 'node:http';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { aws, killHard, request, startEmulatorProcess } from './crashRun.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function rssMiB(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (name) => Number(new RegExp(`${name}:\\s+(\\d+) kB`).exec(status)?.[1] ?? NaN);
    return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
  } catch {
    return { rss: NaN, peak: NaN };
  }
}

async function startSlowApi(delayMs) {
  const delivered = new Set();
  let inFlight = 0;
  let maxInFlight = 0;
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      setTimeout(() => {
        inFlight--;
        try { delivered.add(JSON.parse(body).id); } catch {}
        if (!res.destroyed) { res.writeHead(200, { 'Content-Type': 'application/json' }); res.end('{}'); }
      }, delayMs);
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    delivered,
    maxInFlight: () => maxInFlight,
    close: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}

const percentile = (xs, p) => {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};

export async function overloadRun({ dataDir, seconds = 5, maxEvents = 50_000, concurrency = 32, apiDelayMs = 250, rateLimit = 300, maxPending }) {
  const api = await startSlowApi(apiDelayMs);
  const emu = await startEmulatorProcess(dataDir, maxPending ? ['--max-pending-deliveries', String(maxPending)] : []);
  const pid = emu.child.pid;
  try {
    const { ConnectionArn } = await aws(emu.url, 'CreateConnection', { Name: 'slow', AuthorizationType: 'API_KEY', AuthParameters: { ApiKeyAuthParameters: { ApiKeyName: 'k', ApiKeyValue: 'v' } } });
    const { ApiDestinationArn } = await aws(emu.url, 'CreateApiDestination', { Name: 'slow', ConnectionArn, InvocationEndpoint: `${api.url}/slow`, HttpMethod: 'POST', InvocationRateLimitPerSecond: rateLimit });
    await aws(emu.url, 'PutRule', { Name: 'flood', EventPattern: JSON.stringify({ source: ['flood'] }) });
    await aws(emu.url, 'PutTargets', { Rule: 'flood', Targets: [{ Id: 'slow', Arn: ApiDestinationArn, RoleArn: 'arn:aws:iam::000000000000:role/r' }] });
    const baseline = rssMiB(pid);

    const accepted = [];
    let sent = 0;
    let failedCalls = 0;
    let throttledCalls = 0;
    const deadline = performance.now() + seconds * 1000;
    const detail = JSON.stringify({ pad: 'p'.repeat(200) });
    const flooder = async () => {
      while (performance.now() < deadline && sent < maxEvents) {
        sent += 10;
        try {
          const res = await aws(emu.url, 'PutEvents', { Entries: Array.from({ length: 10 }, () => ({ Source: 'flood', DetailType: 'd', Detail: detail })) });
          for (const e of res.Entries) if (e.EventId && !e.ErrorCode) accepted.push(e.EventId);
        } catch (err) {
          // Backpressure: the whole request was refused; a client would retry it later.
          if (String(err.message).includes('ThrottlingException')) {
            throttledCalls++;
            sent -= 10;
            await sleep(50);
          } else failedCalls++;
        }
      }
    };
    const control = [];
    const samples = [];
    let flooding = true;
    const prober = async () => {
      for (let i = 0; flooding && i < 10_000; i++) {
        const t = performance.now();
        await aws(emu.url, i % 2 ? 'ListRules' : 'DescribeEventBus', {});
        control.push(performance.now() - t);
        samples.push(rssMiB(pid).rss);
        await sleep(100);
      }
    };
    const start = performance.now();
    const probing = prober();
    await Promise.all(Array.from({ length: concurrency }, flooder));
    const floodSeconds = (performance.now() - start) / 1000;
    flooding = false;
    await probing;
    const afterFlood = rssMiB(pid);
    await sleep(2000); // let delivery run a little on the slow API
    const pending = [];
    for (let token, i = 0; i < 1000; i++) {
      const res = await request(emu.url, 'GET', `/_eventbridge-local/deliveries?status=pending&limit=1000${token ? `&nextToken=${token}` : ''}`);
      pending.push(...res.json.deliveries.map((d) => d.eventId));
      token = res.json.nextToken;
      if (!token) break;
    }
    const dlq = (await request(emu.url, 'GET', '/_eventbridge-local/dead-letters?limit=1000')).json.messages.map((m) => JSON.parse(m.body).id);
    const pendingSet = new Set(pending);
    const dlqSet = new Set(dlq);
    let delivered = 0, pendingCount = 0, deadLettered = 0, missing = 0;
    for (const id of accepted) {
      if (api.delivered.has(id)) delivered++;
      else if (pendingSet.has(id)) pendingCount++;
      else if (dlqSet.has(id)) deadLettered++;
      else missing++;
    }
    // Everything the store keeps on disk: state.json (control plane) and the delivery journal + snapshot.
    const stateBytes = readdirSync(dataDir).filter((f) => f === 'state.json' || f.startsWith('deliveries')).reduce((sum, f) => sum + statSync(join(dataDir, f)).size, 0);
    return {
      accepted: accepted.length, sent, failedCalls, throttledCalls, floodSeconds, putEventsPerSecond: accepted.length / floodSeconds,
      delivered, pending: pendingCount, deadLettered, missing,
      rssBaselineMiB: baseline.rss, rssPeakMiB: Math.max(afterFlood.peak, ...samples.filter(Number.isFinite)), rssAfterFloodMiB: afterFlood.rss,
      controlCalls: control.length, controlP50Ms: percentile(control, 50), controlP99Ms: percentile(control, 99), controlMaxMs: Math.max(...control),
      apiMaxInFlight: api.maxInFlight(), stateBytes,
    };
  } finally {
    await killHard(emu.child);
    await api.close();
  }
}
