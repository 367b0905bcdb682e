import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { isLogLevel, type LogLevel } from './util/log.js';
import { limits } from './limits.js';
import { parseWebhookFlag, readWebhooksFile, WebhookConfigError, type WebhookConfig } from './webhooks/config.js';
import { readServiceConfig, type ServiceConfig } from './engine/delivery/serviceConfig.js';
import type { LambdaBinding, ServiceCredentials, ServiceEndpoints } from './engine/delivery/serviceEndpoints.js';

export interface EmulatorConfig {
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** Folder of the JSON state file; undefined keeps everything in memory. */
  dataDir: string | undefined;
  logLevel: LogLevel;
  /** Inbound webhooks (`/webhooks/<provider>/<bus>`) and their signing secrets. */
  webhooks: WebhookConfig[];
  /** Refuse what AWS refuses even where a local emulator could be lenient: `http://` API destination and OAuth endpoints. */
  strict: boolean;
  /** `--move-aside-corrupt-state`: rename an unusable state file to `state.json.corrupt-<timestamp>` and start empty. */
  moveAsideCorruptState: boolean;
  /** `--require-auth`: verify SigV4 signatures on the AWS API against `credentials`. */
  requireAuth: boolean;
  /** `--credentials <id>:<secret>`: the access keys --require-auth accepts (never logged or echoed). */
  credentials: AccessKey[];
  /** Pending deliveries at which PutEvents and PutPartnerEvents answer ThrottlingException (backpressure). */
  maxPendingDeliveries: number;
  /**
   * Where the AWS services that targets name are (sqs, sns, lambda, sfn, kinesis, firehose,
   * cloudwatch-logs). A service without one is captured, as before.
   */
  serviceEndpoints: ServiceEndpoints;
  /** Lambda functions (by name or ARN) bound to a URL the event is POSTed to, or to an in-process handler. */
  lambdas: Record<string, LambdaBinding>;
  /** What calls to those services are signed with (default: the target's account id as access key id). */
  serviceCredentials: ServiceCredentials | undefined;
  /** `--default-account`: the account of an access key id that is not 12 digits (default 000000000000). */
  defaultAccount: string;
  /**
   * `--api-gateway-url`: where the REST APIs a pipe's API Gateway enrichment or target names answer locally,
   * a URL with `{apiId}`, `{stage}`, `{region}` filled in per API (e.g. a local stack's
   * `http://localhost:4566/restapis/{apiId}/{stage}/_user_request_`, or `sam local start-api`'s
   * `http://127.0.0.1:3000`); the resource path follows. Unset: such targets are captured.
   */
  apiGatewayUrl?: string;
  /**
   * `--allow-host`: Host names /_eventbridge-local/* answers besides loopback names and `host`
   * (e.g. a compose service name); `*` answers any.
   */
  allowedHosts: string[];
  /**
   * The token /_eventbridge-local/* accepts under --require-auth (`Authorization: Bearer <token>`);
   * env EVENTBRIDGE_LOCAL_ADMIN_TOKEN. Unset: a random one per start, printed with the dashboard URL.
   */
  adminToken?: string;
}

export interface AccessKey {
  accessKeyId: string;
  secretAccessKey: string;
}

export const defaultConfig: EmulatorConfig = {
  host: '127.0.0.1',
  port: 4010,
  dataDir: resolve('.eventbridge-local'),
  logLevel: 'warn',
  webhooks: [],
  strict: false,
  moveAsideCorruptState: false,
  requireAuth: false,
  credentials: [],
  maxPendingDeliveries: limits.defaultMaxPendingDeliveries,
  serviceEndpoints: {},
  lambdas: {},
  serviceCredentials: undefined,
  defaultAccount: '000000000000',
  allowedHosts: [],
};

const envPrefix = 'EVENTBRIDGE_LOCAL_';

/** argv flags win over environment variables, which win over defaults. */
export function configFromArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): EmulatorConfig {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      'data-dir': { type: 'string' },
      'in-memory': { type: 'boolean' },
      'log-level': { type: 'string' },
      webhook: { type: 'string', multiple: true },
      'webhooks-config': { type: 'string' },
      strict: { type: 'boolean' },
      'move-aside-corrupt-state': { type: 'boolean' },
      'require-auth': { type: 'boolean' },
      credentials: { type: 'string', multiple: true },
      'max-pending-deliveries': { type: 'string' },
      'service-endpoint': { type: 'string', multiple: true },
      lambda: { type: 'string', multiple: true },
      'service-credentials': { type: 'string' },
      'services-config': { type: 'string' },
      'default-account': { type: 'string' },
      'allow-host': { type: 'string', multiple: true },
      'api-gateway-url': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) throw new HelpRequested();
  const pick = (flag: string | undefined, name: string) => flag ?? env[envPrefix + name];
  const port = Number(pick(values.port, 'PORT') ?? defaultConfig.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ConfigError(`--port must be 0..65535, got ${values.port}`);
  const logLevel = pick(values['log-level'], 'LOG_LEVEL') ?? defaultConfig.logLevel;
  if (!isLogLevel(logLevel)) throw new ConfigError(`--log-level must be one of debug, info, warn, error, silent`);
  const inMemory = values['in-memory'] ?? ['1', 'true'].includes(env[envPrefix + 'IN_MEMORY'] ?? '');
  const dataDir = pick(values['data-dir'], 'DATA_DIR');
  const credentials = values.credentials?.length
    ? parseCredentials(values.credentials, '--credentials')
    : parseCredentials(splitList(env[envPrefix + 'CREDENTIALS']), envPrefix + 'CREDENTIALS');
  const requireAuth = values['require-auth'] ?? ['1', 'true'].includes(env[envPrefix + 'REQUIRE_AUTH'] ?? '');
  if (requireAuth && credentials.length === 0) throw new ConfigError(requireAuthWithoutCredentials);
  const maxPending = Number(pick(values['max-pending-deliveries'], 'MAX_PENDING_DELIVERIES') ?? defaultConfig.maxPendingDeliveries);
  if (!Number.isInteger(maxPending) || maxPending < 1) throw new ConfigError(`--max-pending-deliveries must be a whole number >= 1`);
  const services = servicesFromArgs(values, pick(values['services-config'], 'SERVICES_CONFIG'), env);
  const defaultAccount = pick(values['default-account'], 'DEFAULT_ACCOUNT') ?? defaultConfig.defaultAccount;
  if (!isAccountId(defaultAccount)) throw new ConfigError(badDefaultAccount);
  const apiGatewayUrl = pick(values['api-gateway-url'], 'API_GATEWAY_URL');
  if (apiGatewayUrl !== undefined && !/^https?:\/\/[^/]/.test(apiGatewayUrl)) throw new ConfigError(badApiGatewayUrl);
  const adminToken = env[envPrefix + 'ADMIN_TOKEN'];
  if (adminToken !== undefined && !isAdminToken(adminToken)) throw new ConfigError(badAdminToken);
  return {
    ...services,
    host: pick(values.host, 'HOST') ?? defaultConfig.host,
    port,
    dataDir: inMemory || dataDir === ':memory:' ? undefined : resolve(dataDir ?? defaultConfig.dataDir!),
    logLevel,
    strict: values.strict ?? ['1', 'true'].includes(env[envPrefix + 'STRICT'] ?? ''),
    moveAsideCorruptState: values['move-aside-corrupt-state'] ?? ['1', 'true'].includes(env[envPrefix + 'MOVE_ASIDE_CORRUPT_STATE'] ?? ''),
    maxPendingDeliveries: maxPending,
    webhooks: webhooksFromArgs(values.webhook ?? [], pick(values['webhooks-config'], 'WEBHOOKS_CONFIG'), env, defaultAccount),
    requireAuth,
    credentials,
    defaultAccount,
    allowedHosts: values['allow-host']?.length ? values['allow-host'] : splitList(env[envPrefix + 'ALLOWED_HOSTS']).map((h) => h.trim()),
    ...(adminToken ? { adminToken } : {}),
    ...(apiGatewayUrl ? { apiGatewayUrl } : {}),
  };
}

export const isAccountId = (value: unknown): value is string => typeof value === 'string' && /^\d{12}$/.test(value);
export const badApiGatewayUrl = '--api-gateway-url (EVENTBRIDGE_LOCAL_API_GATEWAY_URL) must be an http:// or https:// URL';
export const badDefaultAccount = '--default-account (EVENTBRIDGE_LOCAL_DEFAULT_ACCOUNT) must be an AWS account id: 12 digits';
export const isAdminToken = (value: string) => /^[A-Za-z0-9._~-]{16,256}$/.test(value);
export const badAdminToken = 'EVENTBRIDGE_LOCAL_ADMIN_TOKEN must be 16 to 256 letters, digits or ._~-';

/**
 * Secrets given as flags: every local user can read a process's arguments (`ps`). The
 * warnings name the flag and the alternative, never the value.
 */
export function commandLineSecretWarnings(argv: string[]): string[] {
  const { values } = parseArgs({ args: argv, options: { credentials: { type: 'string', multiple: true }, webhook: { type: 'string', multiple: true } }, strict: false });
  const warnings: string[] = [];
  if (asList(values.credentials).length) {
    warnings.push('--credentials puts secret access keys on the command line, where any local user can read them (ps); prefer EVENTBRIDGE_LOCAL_CREDENTIALS');
  }
  if (asList(values.webhook).some((spec) => spec.split(',').some((part) => part.trim().startsWith('secret=')))) {
    warnings.push('--webhook secret=... puts a webhook secret on the command line, where any local user can read it (ps); prefer secretEnv=<VAR> or --webhooks-config <file>');
  }
  return warnings;
}

const asList = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);

export const requireAuthWithoutCredentials =
  '--require-auth needs the credentials it accepts: --credentials <access key id>:<secret> (repeatable) or EVENTBRIDGE_LOCAL_CREDENTIALS=<id>:<secret>,...';

export const splitList = (value: string | undefined) => (value ?? '').split(',').filter((entry) => entry.trim() !== '');

/**
 * `<access key id>:<secret>` entries (the secret may itself hold ':'). Messages name the
 * entry by position and never repeat what was given: a malformed entry may be a secret.
 */
export function parseCredentials(entries: string[], source: string): AccessKey[] {
  const keys = new Map<string, string>();
  entries.forEach((raw, i) => {
    const entry = raw.trim();
    const colon = entry.indexOf(':');
    const accessKeyId = entry.slice(0, colon);
    const secretAccessKey = entry.slice(colon + 1);
    if (colon <= 0 || secretAccessKey === '') throw new ConfigError(`${source}: entry ${i + 1} must be <access key id>:<secret>`);
    if (!/^[A-Za-z0-9]{1,128}$/.test(accessKeyId)) throw new ConfigError(`${source}: entry ${i + 1}: an access key id is 1 to 128 letters and digits`);
    if (keys.has(accessKeyId)) throw new ConfigError(`${source}: access key id ${accessKeyId} is given twice`);
    keys.set(accessKeyId, secretAccessKey);
  });
  return [...keys].map(([accessKeyId, secretAccessKey]) => ({ accessKeyId, secretAccessKey }));
}

/** The config file's webhooks, then the flags' (a flag for the same provider and bus wins). */
function webhooksFromArgs(flags: string[], file: string | undefined, env: NodeJS.ProcessEnv, account: string): WebhookConfig[] {
  try {
    const all = [...(file ? readWebhooksFile(resolve(file), env, account) : []), ...flags.map((flag) => parseWebhookFlag(flag, env, account))];
    return [...new Map(all.map((w) => [`${w.provider}/${w.bus}`, w])).values()];
  } catch (err) {
    if (err instanceof WebhookConfigError) throw new ConfigError(err.message);
    throw err;
  }
}

/** Environment (AWS_ENDPOINT_URL_*), then the services config file, then flags: the later wins per service or function. */
function servicesFromArgs(
  values: { 'service-endpoint'?: string[]; lambda?: string[]; 'service-credentials'?: string },
  file: string | undefined,
  env: NodeJS.ProcessEnv,
): ServiceConfig {
  try {
    return readServiceConfig({ env, file: file ? resolve(file) : undefined, endpointFlags: values['service-endpoint'] ?? [], lambdaFlags: values.lambda ?? [], credentials: values['service-credentials'] ?? env[envPrefix + 'SERVICE_CREDENTIALS'] });
  } catch (err) {
    throw new ConfigError((err as Error).message);
  }
}

export class ConfigError extends Error {}
export class HelpRequested extends Error {}

export const usage = `Usage: eventbridge-local [options]

  --port <n>          port to listen on (default 4010; 0 picks a free one)   env EVENTBRIDGE_LOCAL_PORT
  --host <addr>       address to bind (default 127.0.0.1)                    env EVENTBRIDGE_LOCAL_HOST
  --data-dir <dir>    folder of the JSON state file (default ./.eventbridge-local)  env EVENTBRIDGE_LOCAL_DATA_DIR
  --in-memory         keep state in memory only                              env EVENTBRIDGE_LOCAL_IN_MEMORY=1
  --log-level <lvl>   debug | info | warn | error | silent (default warn)    env EVENTBRIDGE_LOCAL_LOG_LEVEL
  --strict            refuse http:// API destination and OAuth endpoints, as AWS does  env EVENTBRIDGE_LOCAL_STRICT=1
  --move-aside-corrupt-state  rename an unusable state file to state.json.corrupt-<timestamp> and start empty
                      (default: refuse to start)                             env EVENTBRIDGE_LOCAL_MOVE_ASIDE_CORRUPT_STATE=1
  --require-auth      verify SigV4 signatures on the AWS API; needs --credentials  env EVENTBRIDGE_LOCAL_REQUIRE_AUTH=1
  --credentials <id>:<secret>  an access key --require-auth accepts, repeatable (a 12-digit id is the account);
                      prefer the env var: flags are visible to every local user   env EVENTBRIDGE_LOCAL_CREDENTIALS=<id>:<secret>,<id>:<secret>
                      under --require-auth /_eventbridge-local/* needs a signature or the admin token
                      (printed at start-up, or env EVENTBRIDGE_LOCAL_ADMIN_TOKEN)
  --default-account <12 digits>  the account of access key ids that are not 12 digits (default 000000000000)
                                                                             env EVENTBRIDGE_LOCAL_DEFAULT_ACCOUNT
  --allow-host <name> a Host name /_eventbridge-local/* also answers (besides loopback names and --host),
                      repeatable, e.g. a compose service name; * answers any   env EVENTBRIDGE_LOCAL_ALLOWED_HOSTS=<a>,<b>
  --max-pending-deliveries <n>  pending deliveries of one account at which its PutEvents answers ThrottlingException
                      (default 100000; the whole queue holds twice that)   env EVENTBRIDGE_LOCAL_MAX_PENDING_DELIVERIES
  --service-endpoint <service>=<url>  deliver targets of this AWS service there (sqs, sns, lambda, sfn, kinesis,
                      firehose, cloudwatch-logs), repeatable; lambda=<url>,invocation-type=RequestResponse for
                      sam local start-lambda. Default: AWS_ENDPOINT_URL_<SERVICE>, then AWS_ENDPOINT_URL; without one
                      a service's targets are captured
  --lambda <function name or ARN>=<url>  POST the function's events to this URL, repeatable
  --api-gateway-url <url>  where a pipe's API Gateway enrichment/target REST APIs answer, with {apiId}, {stage},
                      {region} filled in (the resource path follows); unset: captured   env EVENTBRIDGE_LOCAL_API_GATEWAY_URL
  --service-credentials <id>:<secret>  sign calls to those services with this key (default: the target's account id)
                                                                             env EVENTBRIDGE_LOCAL_SERVICE_CREDENTIALS
  --services-config <file>  JSON {"serviceEndpoints": {"sqs": "<url>", ...}, "lambdas": {"<name>": "<url>"},
                      "credentials": {"accessKeyId", "secretAccessKey"}}           env EVENTBRIDGE_LOCAL_SERVICES_CONFIG
  --webhook <spec>    an inbound webhook, repeatable: provider=github|twilio,bus=<name>,secret=<s> | secretEnv=<VAR>[,account=<id>][,region=<r>]
  --webhooks-config <file>  JSON {"webhooks": [{provider, bus, secret | secretEnv, account?, region?}]}  env EVENTBRIDGE_LOCAL_WEBHOOKS_CONFIG
  (env only)          EVENTBRIDGE_LOCAL_WARM_UP=<n>: events a private in-memory emulator sends to warm the JIT after
                      "listening", while this one is idle (default 1500; 0 turns it off); with
                      EVENTBRIDGE_LOCAL_WARM_UP_BEFORE_LISTENING_MS=<ms> some of them before "listening" (default 0; docs/performance.md)
  -h, --help          this text
  -v, --version       print the version and exit

       eventbridge-local send <file...> [--endpoint <url>] [--bus <name>] [--account <id>] [--region <r>] [--as-aws]
                          put fixture events on a running emulator (see README, "Developing a SaaS integration offline")
`;
