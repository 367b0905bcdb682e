/**
 * A real moto_server (moto 5.2.1: SQS, SNS, Kinesis, Firehose, Step Functions, CloudWatch
 * Logs, S3 over the real AWS protocols) on an ephemeral loopback port, as the stand-in for
 * AWS that end-to-end delivery tests assert against with the official SDK clients.
 * Where moto is missing the test fails, saying how to install it; it never skips.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { SQSClient } from '@aws-sdk/client-sqs';

export const motoInstall = `pip install 'moto[server]==5.2.1'`;

export interface Moto {
  url: string;
  port: number;
  /** Stop the server (a later start() brings one up again on the same port: "the server is back"). */
  stop(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

const python = process.env.PYTHON ?? 'python3';

function checkInstalled(): void {
  const probe = spawnSync(python, ['-c', 'import moto, flask, werkzeug; print(moto.__version__)'], { encoding: 'utf8' });
  if (probe.status !== 0) {
    throw new Error(`moto_server is not available (${python} could not import moto with its server extras). Install it: ${motoInstall}\n${probe.stderr ?? ''}`);
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function answers(url: string): Promise<boolean> {
  try {
    const res = await fetch(`${url}/moto-api/`, { signal: AbortSignal.timeout(2000) });
    await res.arrayBuffer();
    return res.status < 500;
  } catch {
    return false;
  }
}

export async function startMoto(): Promise<Moto> {
  checkInstalled();
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;
  let output = '';

  const start = async () => {
    output = '';
    const proc = spawn(python, ['-m', 'moto.server', '-H', '127.0.0.1', '-p', String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
    child = proc;
    proc.stdout!.on('data', (c: Buffer) => (output = (output + c.toString()).slice(-4000)));
    proc.stderr!.on('data', (c: Buffer) => (output = (output + c.toString()).slice(-4000)));
    let exited = false;
    proc.once('exit', () => (exited = true));
    // Wait until it answers (a condition, not a fixed sleep); give up after a generous bound.
    const deadline = Date.now() + 60_000;
    while (!(await answers(url))) {
      if (exited) throw new Error(`moto_server exited before answering on ${url}. Is moto installed? ${motoInstall}\n${output}`);
      if (Date.now() > deadline) {
        proc.kill('SIGKILL');
        throw new Error(`moto_server did not answer on ${url} within 60 s\n${output}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  };

  const stop = async () => {
    const proc = child;
    child = undefined;
    if (!proc || proc.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      proc.once('exit', () => resolve());
      proc.kill('SIGTERM');
    });
  };

  await start();
  return { url, port, start, stop, close: stop };
}

/** SDK client options for moto: account 000000000000 (a 12-digit access key is the account to moto). */
export function motoClientConfig(moto: Moto, account = '000000000000', region = 'us-east-1') {
  // HTTP/1.1: the Kinesis client would otherwise speak HTTP/2, which moto_server does not.
  return { endpoint: moto.url, region, credentials: { accessKeyId: account, secretAccessKey: 'moto' }, maxAttempts: 1, requestHandler: new NodeHttpHandler() };
}

/**
 * An S3 object's text through S3's REST API. moto checks no signature, but refuses an
 * anonymous read of a private object: a SigV4-shaped Authorization header names the account.
 */
export async function motoS3Text(moto: Moto, bucket: string, key: string, account = '000000000000'): Promise<{ status: number; text: string }> {
  const day = new Date().toISOString().slice(0, 10).replace(/-/g, '');
  const res = await fetch(`${moto.url}/${bucket}/${key.split('/').map(encodeURIComponent).join('/')}`, {
    headers: { Authorization: `AWS4-HMAC-SHA256 Credential=${account}/${day}/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=0` },
  });
  return { status: res.status, text: await res.text() };
}

/** An IAM role (IAM's query API; moto checks that a function's role exists) and its ARN. */
export async function motoCreateRole(moto: Moto, name: string, account = '000000000000'): Promise<string> {
  const day = new Date().toISOString().slice(0, 10).replace(/-/g, '');
  const body = new URLSearchParams({ Action: 'CreateRole', Version: '2010-05-08', RoleName: name, AssumeRolePolicyDocument: '{"Version":"2012-10-17","Statement":[]}' });
  const res = await fetch(`${moto.url}/`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Authorization: `AWS4-HMAC-SHA256 Credential=${account}/${day}/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=0` },
    body,
  });
  const text = await res.text();
  const arn = /<Arn>([^<]+)<\/Arn>/.exec(text)?.[1];
  if (res.status !== 200 || !arn) throw new Error(`IAM CreateRole on moto answered ${res.status}: ${text.slice(0, 300)}`);
  return arn;
}

/** A moto_server and an SQS client on it: what the AWS-service delivery suites start in beforeAll. */
export async function startMotoWithSqs(): Promise<{ moto: Moto; sqs: SQSClient }> {
  const moto = await startMoto();
  return { moto, sqs: new SQSClient(motoClientConfig(moto)) };
}

/** The afterAll of startMotoWithSqs(); either may be missing when beforeAll failed. */
export async function stopMotoWithSqs(moto: Moto | undefined, sqs: SQSClient | undefined): Promise<void> {
  sqs?.destroy();
  await moto?.close();
}
