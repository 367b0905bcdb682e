/** Run the built CLI (`node dist/src/cli.js`) as a user would, and read its first line. */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const cliPath = fileURLToPath(new URL('../../dist/src/cli.js', import.meta.url));

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  firstLine: string;
  stdout: () => string;
  stderr: () => string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** `nodeArgs`: flags for node itself, before the script (e.g. `--unhandled-rejections=strict`). */
// The CLI's start-up warm-up (src/warmUp.ts) burns a second or two of CPU per process; CI's two
// cores are shared by every test file, so spawned servers skip it unless a test asks for it
// (test/e2e/warmUp.test.ts; the README tests run `npm start` as a user does, with it).
const noWarmUp = { EVENTBRIDGE_LOCAL_WARM_UP: '0' };

export function startProcess(args: string[], env: NodeJS.ProcessEnv = {}, nodeArgs: string[] = []): Promise<ServerProcess> {
  const child = spawn(process.execPath, [...nodeArgs, cliPath, ...args], { env: { ...process.env, ...noWarmUp, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d) => {
      stdout += d;
      const line = stdout.split('\n')[0];
      if (!stdout.includes('\n')) return;
      const url = /listening on (http:\/\/\S+)/.exec(line)?.[1];
      if (!url) return reject(new Error(`unexpected first line: ${line}`));
      resolve({
        child,
        url,
        firstLine: line,
        stdout: () => stdout,
        stderr: () => stderr,
        stop: (signal = 'SIGTERM') =>
          new Promise((done) => {
            child.once('exit', (code) => done(code));
            child.kill(signal);
          }),
      });
    });
    child.once('exit', (code) => reject(Object.assign(new Error(`exited with ${code}: ${stderr}`), { code, stderr })));
  });
}

/** Run the CLI to completion (for start-up failures). */
export function runProcess(args: string[], env: NodeJS.ProcessEnv = {}, nodeArgs: string[] = []): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [...nodeArgs, cliPath, ...args], { env: { ...process.env, ...noWarmUp, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr })));
}
