/**
 * The configured webhooks, by (provider, bus). Configuration, not state: it lives in
 * memory, is rebuilt from flags and the config file at start, survives
 * `POST /_eventbridge-local/reset`, and is never written to the state file (so a
 * secret never lands on disk). Setting an existing pair replaces its secret:
 * that is rotation.
 */
import { checkWebhook, WebhookConfigError, type WebhookConfig, type WebhookProvider } from './config.js';

export type ConfiguredWebhook = Required<WebhookConfig>;

/** What the admin endpoint shows: everything but the secret. */
export interface WebhookView {
  provider: WebhookProvider;
  bus: string;
  account: string;
  region: string;
  path: string;
  secretUpdatedAt: string;
}

export class WebhookRegistry {
  private entries = new Map<string, { webhook: ConfiguredWebhook; updatedAt: number }>();

  constructor(
    initial: WebhookConfig[],
    private readonly now: () => number = Date.now,
    /** Where an entry without `account` lands: the emulator's --default-account. */
    private readonly defaultAccount?: string,
  ) {
    for (const [i, raw] of initial.entries()) {
      const webhook = checkWebhook(raw, `webhooks[${i}]`, process.env, defaultAccount);
      if (this.get(webhook.provider, webhook.bus)) throw new WebhookConfigError(`webhook ${webhook.provider}/${webhook.bus} is configured twice`);
      this.set(webhook);
    }
  }

  /** Add or rotate. `raw` is checked; the answer carries no secret. */
  set(raw: unknown): WebhookView {
    const webhook = checkWebhook(raw, 'webhook', process.env, this.defaultAccount);
    const entry = { webhook, updatedAt: this.now() };
    this.entries.set(key(webhook.provider, webhook.bus), entry);
    return view(entry);
  }

  get(provider: string, bus: string): ConfiguredWebhook | undefined {
    return this.entries.get(key(provider, bus))?.webhook;
  }

  remove(provider: string, bus: string): boolean {
    return this.entries.delete(key(provider, bus));
  }

  list(): WebhookView[] {
    return [...this.entries.values()].map(view).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }
}

const key = (provider: string, bus: string) => `${provider}/${bus}`;

function view({ webhook, updatedAt }: { webhook: ConfiguredWebhook; updatedAt: number }): WebhookView {
  const { provider, bus, account, region } = webhook;
  return { provider, bus, account, region, path: `/webhooks/${provider}/${bus}`, secretUpdatedAt: new Date(updatedAt).toISOString() };
}
