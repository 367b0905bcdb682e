/**
 * Every shell block of README.md runs as printed, in order, in one bash session, with the
 * real `aws` CLI against a started emulator (the built CLI, as `npm start` runs it). Only
 * the ports differ: 4010, 4011 and 8080 are replaced by free ones. A block after
 * `<!-- readme-test: background, ready when it prints "..." -->` is a server: it runs in
 * the background until it prints that. `<!-- readme-test: skip (...) -->` skips a block.
 * The AWS CLI's config files are throwaway files, so nothing touches the user's ~/.aws.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startProcess, type ServerProcess } from '../helpers/process.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

interface Block {
  code: string;
  mode: 'run' | 'skip' | 'background';
  ready?: string;
}

/** The README's ```sh blocks with the readme-test mark just above each, if any. */
export function shellBlocks(markdown: string): Block[] {
  const blocks: Block[] = [];
  const re = /(?:<!-- readme-test: (skip|background)(?:[^>"]*"([^"]+)")?[^>]*-->\n)?```sh\n([\s\S]*?)```/g;
  for (const m of markdown.matchAll(re)) blocks.push({ mode: (m[1] as Block['mode']) ?? 'run', ready: m[2], code: m[3] });
  return blocks;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.once('error', reject);
  });
}

/** Wait for a condition (polled), bounded generously: a loaded machine is slow, not wrong. */
async function waitFor(what: string, check: () => boolean, boundMs = 120_000): Promise<void> {
  const until = Date.now() + boundMs;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

let emulator: ServerProcess;
let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ebl-readme-'));
  emulator = await startProcess(['--port', '0', '--in-memory']);
}, 120_000);
afterAll(async () => {
  await emulator?.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('the README marks its blocks: the install line is skipped, the servers run in the background', () => {
  const blocks = shellBlocks(readFileSync(join(root, 'README.md'), 'utf8'));
  expect(blocks.length).toBeGreaterThanOrEqual(7);
  expect(blocks[0]).toMatchObject({ mode: 'skip' });
  // What needs software this repository does not install (moto_server, ElasticMQ, LocalStack, SAM) is skipped, saying so.
  // moto_server is on every machine of this kind: the Pipes walk-through starts one (in the background) and runs.
  for (const block of blocks.filter((b) => /elasticmq|services-config|sam local/.test(b.code) || (/moto\.server/.test(b.code) && b.mode !== 'background'))) expect(block.mode).toBe('skip');
  expect(blocks[0].code).toContain('npm ci && npm start');
  expect(blocks.filter((b) => b.mode === 'background').map((b) => b.ready)).toEqual(['listening on', 'listening on 8080', 'Running on', 'listening on']);
});

test('every shell block runs as printed, and does what the README says', async () => {
  const port = new URL(emulator.url).port;
  const [webhookPort, sinkPort, motoPort, pipesPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
  // One pass: replaced one after another, a port put in for 4010 (say 44011) was itself rewritten by the next (CI: "Port out of range").
  const portFor: Record<string, string> = { '4010': port, '4011': String(webhookPort), '8080': String(sinkPort), '4012': String(motoPort), '4013': String(pipesPort) };
  const ports = (text: string) => text.replace(/4010|4011|8080|4012|4013/g, (readmePort) => portFor[readmePort]!);
  const blocks = shellBlocks(readFileSync(join(root, 'README.md'), 'utf8'));
  const logs: string[] = [];
  const lines = [
    'set -euo pipefail',
    `cd ${JSON.stringify(root)}`,
    // Throwaway CLI config (`aws configure set` would write there, not in ~/.aws), and the emulator `send` defaults to.
    `export AWS_CONFIG_FILE=${dir}/aws-config AWS_SHARED_CREDENTIALS_FILE=${dir}/aws-credentials AWS_PAGER= AWS_MAX_ATTEMPTS=1`,
    `export EVENTBRIDGE_LOCAL_ENDPOINT=${emulator.url}`,
    // Wait for a background server's line: polled, bounded at 5 minutes.
    'ready() { for _ in $(seq 1 3000); do grep -q -- "$2" "$1" && return 0; sleep 0.1; done; echo "no \\"$2\\" in $1:" >&2; cat "$1" >&2; return 1; }',
  ];
  blocks.forEach((block, i) => {
    if (block.mode === 'skip') return;
    lines.push(`echo "--- block ${i + 1}"`);
    if (block.mode === 'run') lines.push(ports(block.code));
    else {
      const log = join(dir, `background-${i + 1}.log`);
      logs.push(log);
      lines.push(`{\n${ports(block.code)}\n} > ${log} 2>&1 &`, `ready ${log} ${JSON.stringify(ports(block.ready!))}`);
    }
  });
  const script = join(dir, 'readme.sh');
  writeFileSync(script, lines.join('\n') + '\n');

  // Its own process group, so the background servers end with it.
  const child = spawn('bash', [script], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  try {
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    if (code !== 0) throw new Error(`the README's blocks failed (exit ${code}):\n${stdout}\n${stderr}`);
    // "Using it": the bus exists.
    expect(stdout).toContain(`"EventBusArn": "arn:aws:events:us-east-1:000000000000:event-bus/orders"`);
    // The partner's event was accepted (an EventId, no ErrorCode).
    expect(stdout).not.toContain('ErrorCode');
    // `send`: every fixture accepted.
    expect(stdout).toMatch(/github-push\.json: PutEvents on github-events: EventId \S+/);
    expect(stdout).toMatch(/stripe-payment-intent-succeeded\.json: PutPartnerEvents on aws\.partner\/stripe\.com\/\S+: EventId/);
    expect(stdout).toMatch(/datadog-monitor-alert\.json: PutPartnerEvents on \S+: EventId/);
    // The webhook emulator started with both webhooks configured.
    const webhooks = (await (await fetch(`http://127.0.0.1:${webhookPort}/_eventbridge-local/webhooks`)).json()) as { webhooks: Array<{ provider: string; bus: string }> };
    expect(webhooks.webhooks.map((w: { provider: string; bus: string }) => `${w.provider}/${w.bus}`).sort()).toEqual(['github/github-events', 'twilio/sms']);
    // The API destination walk-through: what the README says the local server prints.
    const sinkLog = logs[1];
    await waitFor('the request at the local server', () => readFileSync(sinkLog, 'utf8').includes('POST /hooks/orders/o-42'));
    const printed = readFileSync(sinkLog, 'utf8');
    expect(printed).toContain("'x-api-key': 'local-s3cret'");
    expect(printed).toContain("'x-customer': 'c-7'");
    expect(printed).toContain("'user-agent': 'Amazon/EventBridge/ApiDestinations'");
    expect(printed).toContain('{"order":"o-42","total":99.5}');
    // The Scheduler walk-through: the schedule, and a night's invocation with its scheduled time at 02:00 Berlin.
    expect(stdout).toContain('"ScheduleArn": "arn:aws:scheduler:us-east-1:000000000000:schedule/reports/nightly-report"');
    expect(stdout).toMatch(/"arn":"arn:aws:scheduler:us-east-1:000000000000:schedule\/reports\/nightly-report","nextInvocationAt":"\d{4}-\d\d-\d\dT0[01]:00:00\.000Z"/);
    const nights = [...stdout.matchAll(/\{\\"report\\": \\"daily\\", \\"at\\": \\"(\d{4}-\d\d-\d\dT0[01]:00:00Z)\\"\}/g)].map((m) => m[1]);
    expect(new Set(nights).size).toBe(2);
    // The Pipes walk-through: the message the filter kept, through the InputTemplate; not the one it dropped.
    await waitFor('the pipe\'s request at the local server', () => readFileSync(sinkLog, 'utf8').includes('POST /pipes/orders'));
    const afterPipe = readFileSync(sinkLog, 'utf8');
    expect(afterPipe).toContain("'x-api-key': 'pipe-s3cret'");
    expect(afterPipe).toContain('{"order":"o-77","via":"pipe"}');
    expect(afterPipe).not.toContain('n-1');
    // Nothing was written outside the throwaway CLI config.
    expect(() => readFileSync(join(dir, 'aws-config'))).toThrow();
  } finally {
    try {
      process.kill(-child.pid!, 'SIGTERM');
    } catch {
      // the group is gone already
    }
  }
}, 600_000);
