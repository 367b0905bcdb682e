/** Run the real `aws` CLI against the emulator (dummy credentials unless a secret is given for --require-auth). */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  json?: any;
}

/** The environment the CLI runs in for a test: dummy (or given) credentials, no user configuration, no pager, one attempt. */
export function cliEnv(extra: Record<string, string> = {}, accessKeyId = 'test', region = 'us-east-1', secretAccessKey = 'test-secret'): NodeJS.ProcessEnv {
  return {
    ...process.env,
    AWS_ACCESS_KEY_ID: accessKeyId,
    AWS_SECRET_ACCESS_KEY: secretAccessKey,
    AWS_DEFAULT_REGION: region,
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    AWS_PAGER: '',
    AWS_MAX_ATTEMPTS: '1',
    ...extra,
  };
}

export async function awsEvents(url: string, args: string[], accessKeyId = 'test', region = 'us-east-1', secretAccessKey = 'test-secret'): Promise<CliResult> {
  const env = cliEnv({}, accessKeyId, region, secretAccessKey);
  try {
    const { stdout, stderr } = await run('aws', ['events', ...args, '--endpoint-url', url, '--output', 'json'], { env });
    return { code: 0, stdout, stderr, json: stdout.trim() ? JSON.parse(stdout) : undefined };
  } catch (err: any) {
    return { code: err.code ?? 1, stdout: err.stdout ?? '', stderr: err.stderr ?? '' };
  }
}

/** Run `aws <service> ...` (e.g. scheduler) against the emulator, as awsEvents does for `aws events`. */
export async function awsService(service: string, url: string, args: string[]): Promise<CliResult> {
  const env = cliEnv();
  try {
    const { stdout, stderr } = await run('aws', [service, ...args, '--endpoint-url', url, '--output', 'json'], { env });
    return { code: 0, stdout, stderr, json: stdout.trim() ? JSON.parse(stdout) : undefined };
  } catch (err: any) {
    return { code: err.code ?? 1, stdout: err.stdout ?? '', stderr: err.stderr ?? '' };
  }
}
