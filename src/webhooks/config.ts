/**
 * Inbound webhook configuration: which provider posts to which event bus, with which
 * signing secret, in which account and region. One entry per (provider, bus), the pair
 * that names its URL `/webhooks/<provider>/<bus>` — the local twin of one CloudFormation
 * stack of the EventBridge "Inbound webhooks using Lambda fURLs" quick start.
 *
 * Entries come from `--webhook` flags, a `--webhooks-config` JSON file, or the admin
 * endpoint. A secret may be given inline (`secret`) or read from an environment
 * variable (`secretEnv`), which keeps it out of argv and out of the file.
 */
import { readFileSync } from 'node:fs';
import { defaultAccount, defaultRegion } from '../wire/sigv4.js';

export const webhookProviders = ['github', 'twilio'] as const;
export type WebhookProvider = (typeof webhookProviders)[number];

export interface WebhookConfig {
  provider: WebhookProvider;
  /** The event bus the events are put on (a name: PutEvents cannot target partner buses). */
  bus: string;
  /** GitHub: the webhook secret. Twilio: the account's auth token. Never echoed. */
  secret: string;
  /** Default 000000000000. */
  account?: string;
  /** Default us-east-1. */
  region?: string;
}

export class WebhookConfigError extends Error {}

// NonPartnerEventBusName in the model: the PutEvents entry the quick-start function sends names such a bus.
const busPattern = /^[.\-_A-Za-z0-9]{1,256}$/;
const accountPattern = /^\d{12}$/;
const regionPattern = /^[a-z]{2}(-[a-z]+)+-\d+$/;
const keys = new Set(['provider', 'bus', 'secret', 'secretEnv', 'account', 'region']);

/** A checked entry with defaults applied. Messages never include the secret. */
/** `account`: where an entry without `account` lands (the emulator's --default-account). */
export function checkWebhook(raw: unknown, where: string, env: NodeJS.ProcessEnv = process.env, fallbackAccount: string = defaultAccount): Required<WebhookConfig> {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new WebhookConfigError(`${where}: a webhook must be an object`);
  const entry = raw as Record<string, unknown>;
  for (const key of Object.keys(entry)) if (!keys.has(key)) throw new WebhookConfigError(`${where}: unknown key '${key}'`);
  const provider = entry.provider;
  if (!webhookProviders.includes(provider as WebhookProvider)) throw new WebhookConfigError(`${where}: provider must be one of ${webhookProviders.join(', ')}`);
  const bus = entry.bus;
  if (typeof bus !== 'string' || !busPattern.test(bus)) throw new WebhookConfigError(`${where}: bus must be an event bus name (1-256 of [.-_A-Za-z0-9])`);
  const account = entry.account ?? fallbackAccount;
  if (typeof account !== 'string' || !accountPattern.test(account)) throw new WebhookConfigError(`${where}: account must be 12 digits`);
  const region = entry.region ?? defaultRegion;
  if (typeof region !== 'string' || !regionPattern.test(region)) throw new WebhookConfigError(`${where}: region must look like us-east-1`);
  return { provider: provider as WebhookProvider, bus, secret: secretOf(entry, where, env), account, region };
}

function secretOf(entry: Record<string, unknown>, where: string, env: NodeJS.ProcessEnv): string {
  if (entry.secret !== undefined && entry.secretEnv !== undefined) throw new WebhookConfigError(`${where}: give secret or secretEnv, not both`);
  if (entry.secretEnv !== undefined) {
    const value = typeof entry.secretEnv === 'string' ? env[entry.secretEnv] : undefined;
    if (!value) throw new WebhookConfigError(`${where}: environment variable ${String(entry.secretEnv)} (secretEnv) is not set`);
    return value;
  }
  if (typeof entry.secret !== 'string' || entry.secret.length === 0) throw new WebhookConfigError(`${where}: secret must be a non-empty string`);
  return entry.secret;
}

/** `--webhook provider=github,bus=orders,secretEnv=GITHUB_WEBHOOK_SECRET[,account=...][,region=...]`. */
export function parseWebhookFlag(spec: string, env: NodeJS.ProcessEnv = process.env, account: string = defaultAccount): Required<WebhookConfig> {
  // No prototype: the keys are the user's (`__proto__=x` is a key, not a prototype).
  const entry = Object.create(null) as Record<string, string>;
  for (const part of spec.split(',')) {
    const eq = part.indexOf('=');
    if (eq <= 0) throw new WebhookConfigError(`--webhook: expected key=value pairs separated by commas`);
    entry[part.slice(0, eq).trim()] = part.slice(eq + 1);
  }
  return checkWebhook(entry, '--webhook', env, account);
}

/** A JSON file `{"webhooks": [ {provider, bus, secret | secretEnv, account?, region?}, ... ]}`. */
export function readWebhooksFile(path: string, env: NodeJS.ProcessEnv = process.env, account: string = defaultAccount): Required<WebhookConfig>[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new WebhookConfigError(`${path}: ${(err as Error).message}`);
  }
  const list = (parsed as { webhooks?: unknown } | null)?.webhooks;
  if (!Array.isArray(list)) throw new WebhookConfigError(`${path}: expected {"webhooks": [...]}`);
  return list.map((entry, i) => checkWebhook(entry, `${path}: webhooks[${i}]`, env, account));
}
