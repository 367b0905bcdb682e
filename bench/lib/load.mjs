// Shared benchmark helpers: child-process servers on loopback and a bounded
// closed-loop load generator. Every loop stops by itself (count and time bounds).
import http from 'node:http';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('../../', import.meta.url));

/** Start a server script as a child process; resolves with its URL once it prints "listening on <url>". */
export function startServer(args, env = {}) {
  const child = spawn(process.execPath, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const url = /listening on (http:\/\/\S+)/.exec(out)?.[1];
      if (url) resolve({ url, child, stop: () => new Promise((r) => { child.once('exit', r); child.kill('SIGTERM'); }) });
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}: ${out}`)));
  });
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

export function post(url, headers, body) {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', agent, headers: { ...headers, 'Content-Length': Buffer.byteLength(body) } }, (res) => {
      let data = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (data += d));
      res.on('end', () => resolve({ status: res.statusCode, body: data }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

export function awsCall(url, operation, input) {
  return post(url + '/', { 'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': `AWSEvents.${operation}` }, JSON.stringify(input));
}

/** Run `request()` from `concurrency` loops for `seconds` (or `maxRequests`); returns requests/s and latencies. */
export async function closedLoop(request, { concurrency = 16, seconds = 3, maxRequests = 1_000_000 } = {}) {
  const latencies = [];
  let sent = 0;
  let failed = 0;
  const start = performance.now();
  const deadline = start + seconds * 1000;
  async function loop() {
    while (performance.now() < deadline && sent < maxRequests) {
      sent++;
      const t = performance.now();
      const res = await request();
      if (res.status !== 200) failed++;
      latencies.push(performance.now() - t);
    }
  }
  await Promise.all(Array.from({ length: concurrency }, loop));
  const elapsed = (performance.now() - start) / 1000;
  return { rps: latencies.length / elapsed, failed, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

export function percentile(values, p) {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export function median(values) {
  return percentile(values, 50);
}

export function fmt(n, digits = 0) {
  return Number.isFinite(n) ? n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }) : '-';
}
