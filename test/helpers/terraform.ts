/**
 * Terraform for the test suite, offline: the `terraform` binary from PATH and the AWS provider
 * from a filesystem mirror found on the machine, each run in a throw-away working directory whose
 * CLI configuration installs providers from that mirror only (no registry, no checkpoint call).
 * Whatever is missing makes the test fail with how to install it; nothing is skipped.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator, type Running } from './emulator.js';
import { startProxyGuard, type ProxyGuard } from './proxyGuard.js';

export const providerVersion = '5.100.0';
const providerPath = `registry.terraform.io/hashicorp/aws/${providerVersion}/`;

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

function run(file: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(file, args, { cwd: options.cwd, env: options.env, timeout: options.timeoutMs ?? 0, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      resolve({ code, stdout, stderr: err && code === -1 ? `${stderr}\n${err.message}` : stderr });
    });
  });
}

/** `terraform version`, or an error saying how to install it. */
export async function terraformVersion(): Promise<string> {
  const result = await run('terraform', ['version', '-json'], { env: { ...process.env, CHECKPOINT_DISABLE: '1' } });
  if (result.code !== 0) {
    throw new Error(
      'terraform is not on PATH (or does not run). Install Terraform >= 1.5 ' +
        '(https://developer.hashicorp.com/terraform/install, e.g. unzip terraform_<version>_linux_amd64.zip into /usr/local/bin) ' +
        `and run the tests again.\n${result.stderr}`,
    );
  }
  return JSON.parse(result.stdout).terraform_version as string;
}

const mirrorCacheFile = join(tmpdir(), `eventbridge-local-terraform-mirror-${providerVersion}.txt`);

const isMirror = (dir: string) => existsSync(join(dir, providerPath));

/**
 * The filesystem mirror holding hashicorp/aws 5.100.0: the folder above `registry.terraform.io/`
 * of the first `terraform-provider-aws_*` that `find` meets (depth 8 from /). The find takes seconds,
 * so its answer is kept in a file in the temp folder and checked again before each use.
 */
export async function findProviderMirror(): Promise<string> {
  const cached = existsSync(mirrorCacheFile) ? (await readFile(mirrorCacheFile, 'utf8')).trim() : '';
  if (cached && isMirror(cached)) return cached;
  // find exits 1 when some folder cannot be read; its list is still good.
  const found = await run('find', ['/', '-maxdepth', '8', '(', '-path', '/proc', '-o', '-path', '/sys', ')', '-prune', '-o', '-name', 'terraform-provider-aws_*', '-print']);
  const binary = found.stdout.split('\n').find((line) => line.includes(`/${providerPath}`));
  if (!binary) {
    throw new Error(
      `The AWS provider ${providerVersion} is in no filesystem mirror on this machine ` +
        `(find / -maxdepth 8 -name 'terraform-provider-aws_*' found ${found.stdout.trim() || 'nothing'}). ` +
        'On a machine with network, write a configuration requiring hashicorp/aws ' +
        `= ${providerVersion} and run \`terraform providers mirror /opt/tf-plugins\` in its folder ` +
        '(then unzip the provider archive there into registry.terraform.io/hashicorp/aws/' +
        `${providerVersion}/linux_amd64/ so the mirror is unpacked), and copy /opt/tf-plugins to this machine.`,
    );
  }
  const mirror = binary.slice(0, binary.indexOf('/registry.terraform.io/'));
  await writeFile(mirrorCacheFile, mirror + '\n');
  return mirror;
}

export interface Workspace {
  dir: string;
  /** Runs `terraform <args>` in the workspace, with `-no-color` added. */
  terraform(args: string[], timeoutMs?: number): Promise<RunResult>;
  remove(): Promise<void>;
}

/**
 * A temp folder holding copies of the `.tf` files of `configDir`, a CLI configuration that installs
 * providers from `mirror` only, and an environment of the caller's (without AWS_, TF_ and proxy
 * variables) plus `env`. HOME is the folder itself, so no user configuration is read.
 */
export async function createWorkspace(configDir: string, mirror: string, env: Record<string, string>): Promise<Workspace> {
  const dir = await mkdtemp(join(tmpdir(), 'ebl-terraform-'));
  for (const name of await readdir(configDir)) {
    if (name.endsWith('.tf')) await copyFile(join(configDir, name), join(dir, name));
  }
  const cliConfig = join(dir, 'terraform.tfrc');
  await writeFile(
    cliConfig,
    [
      'disable_checkpoint = true',
      'provider_installation {',
      `  filesystem_mirror {`,
      `    path    = ${JSON.stringify(mirror)}`,
      '    include = ["registry.terraform.io/*/*"]',
      '  }',
      '  direct {',
      '    exclude = ["registry.terraform.io/*/*"]',
      '  }',
      '}',
      '',
    ].join('\n'),
  );
  const base: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^(AWS_|TF_|HTTPS?_PROXY$|NO_PROXY$|ALL_PROXY$)/i.test(key)) base[key] = value;
  }
  const runEnv: NodeJS.ProcessEnv = {
    ...base,
    HOME: dir,
    TF_CLI_CONFIG_FILE: cliConfig,
    TF_IN_AUTOMATION: '1',
    TF_INPUT: '0',
    CHECKPOINT_DISABLE: '1',
    AWS_CONFIG_FILE: join(dir, 'no-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(dir, 'no-aws-credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    ...env,
  };
  return {
    dir,
    terraform: (args, timeoutMs) => run('terraform', [...args, '-no-color'], { cwd: dir, env: runEnv, timeoutMs }),
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

/** One line of `terraform apply -json` / `destroy -json` output (the parts the tests read). */
export interface UiMessage {
  '@level': string;
  '@message': string;
  type: string;
  change?: { resource: { addr: string }; action: string };
  changes?: { add: number; change: number; remove: number; import: number; operation: string };
  diagnostic?: { severity: string; summary: string; detail: string };
}

export function uiMessages(stdout: string): UiMessage[] {
  return stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as UiMessage);
}

/** One emulator, one offline workspace of `configDir` behind a proxy guard, and an SDK client: set up
 *  before the file's tests and torn down after (the Scheduler and Pipes Terraform tests). The config takes
 *  the variables `endpoint` and `generation`. */
export interface TerraformLifecycle<C> {
  readonly emu: Running;
  readonly guard: ProxyGuard;
  readonly client: C;
  tf(args: string[]): Promise<RunResult>;
  apply(generation: number): Promise<RunResult>;
  /** `plan -detailed-exitcode` says "No changes.". */
  noDrift(generation: number): Promise<void>;
  destroy(generation: number): Promise<RunResult>;
}

export function useTerraformLifecycle<C extends { destroy(): void }>(configDir: string, makeClient: (url: string) => C, stepMs: number): TerraformLifecycle<C> {
  let emu: Running | undefined;
  let guard: ProxyGuard | undefined;
  let workspace: Workspace | undefined;
  let client: C | undefined;
  beforeAll(async () => {
    await terraformVersion();
    const mirror = await findProviderMirror();
    emu = await startEmulator();
    guard = await startProxyGuard();
    workspace = await createWorkspace(configDir, mirror, { ...guard.env });
    client = makeClient(emu.url);
  }, stepMs);
  afterAll(async () => {
    client?.destroy();
    await workspace?.remove();
    await guard?.close();
    await emu?.close();
  });
  const vars = (g: number) => ['-var', `endpoint=${emu!.url}`, '-var', `generation=${g}`];
  const tf = async (args: string[]) => {
    const result = await workspace!.terraform(args, stepMs);
    if (result.code !== 0) throw new Error(`terraform ${args[0]} exited ${result.code}\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`);
    return result;
  };
  return {
    get emu() {
      return emu!;
    },
    get guard() {
      return guard!;
    },
    get client() {
      return client!;
    },
    tf,
    apply: (g) => tf(['apply', '-auto-approve', '-input=false', '-parallelism=2', ...vars(g)]),
    destroy: (g) => tf(['destroy', '-auto-approve', '-input=false', '-parallelism=2', ...vars(g)]),
    noDrift: async (g) => {
      expect((await tf(['plan', '-detailed-exitcode', '-input=false', '-parallelism=2', ...vars(g)])).stdout).toContain('No changes.');
    },
  };
}
