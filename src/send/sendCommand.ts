/**
 * `eventbridge-local send <file...>`: put fixture events on a running emulator, so a
 * flow can be driven without the SaaS.
 *
 * AWS reserves `aws.` sources: PutEvents refuses them per entry
 * (NotAuthorizedForSourceException). So an event whose source is a partner event source
 * (`aws.partner/...`) goes the way a partner's does: PutPartnerEvents, signed as the
 * partner account, onto the customer's partner event bus named after the source. Unless
 * --skip-setup, the partner side first offers the source to the customer account and the
 * customer side accepts it (creates the partner bus), both idempotently. Every other
 * event (e.g. `github.com` from the inbound-webhook quick start) is a PutEvents on --bus.
 */
import { parseArgs } from 'node:util';
import { version } from '../version.js';
import { defaultAccount, defaultRegion } from '../wire/sigv4.js';
import { parseCredentials, splitList } from '../config.js';
import { AwsCallError, callEvents, signedJsonPost, type Caller } from './eventsClient.js';
import { entryOf, isPartnerSource, readFixtureEvent, type SendEntry } from './fixture.js';

/** The account that plays the SaaS partner unless --partner-account says otherwise. */
export const defaultPartnerAccount = '111111111111';

export const sendUsage = `Usage: eventbridge-local send <file...> [options]

  --endpoint <url>          the emulator (default http://127.0.0.1:4010)     env EVENTBRIDGE_LOCAL_ENDPOINT
  --bus <name>              bus for PutEvents (default: the default bus); not for aws.partner/ sources
  --account <id>            the customer account (default ${defaultAccount})
  --region <region>         (default ${defaultRegion})
  --partner-account <id>    the account playing the SaaS partner (default ${defaultPartnerAccount})
  --source <name>           put the events with this source instead of the fixture's
  --keep-time               keep the fixture's "time" (default: now)
  --skip-setup              do not create/accept the partner event source and its bus
  --as-aws                  put the events as the AWS service in their source would (aws.s3, aws.ec2 ...):
                            onto the default bus of --account / --region, through the emulator's
                            POST /_eventbridge-local/aws-events (PutEvents refuses aws.* sources)
  -h, --help                this text;   --version   the version

Requests are signed with the account id as access key id. The secret for each account's key
comes from EVENTBRIDGE_LOCAL_CREDENTIALS (<id>:<secret>,..., as the server's --require-auth
reads it), else AWS_SECRET_ACCESS_KEY; an emulator without --require-auth accepts any.
`;

interface SendOptions {
  endpoint: string;
  bus?: string;
  customer: Caller;
  partner: Caller;
  source?: string;
  keepTime: boolean;
  setup: boolean;
  asAws: boolean;
}

type Output = Pick<NodeJS.WriteStream, 'write'>;

/** Runs the command; resolves to the exit code (0 all put, 1 some failed, 2 usage). */
export async function runSend(argv: string[], out: Output = process.stdout, err: Output = process.stderr, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let parsed: { options: SendOptions; files: string[] } | 'help' | 'version';
  try {
    parsed = parseSendArgs(argv, env);
  } catch (error) {
    err.write(`eventbridge-local send: ${(error as Error).message}\n\n${sendUsage}`);
    return 2;
  }
  if (parsed === 'help' || parsed === 'version') {
    out.write(parsed === 'help' ? sendUsage : `eventbridge-local ${version}\n`);
    return 0;
  }
  let failures = 0;
  for (const file of parsed.files) {
    try {
      failures += await sendFile(file, parsed.options, out, err);
    } catch (error) {
      const text = error instanceof AwsCallError ? `${error.type}: ${error.message}` : (error as Error).message;
      err.write(`${file}: ${text}\n`);
      failures++;
    }
  }
  return failures ? 1 : 0;
}

function parseSendArgs(argv: string[], env: NodeJS.ProcessEnv): { options: SendOptions; files: string[] } | 'help' | 'version' {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      endpoint: { type: 'string' },
      bus: { type: 'string' },
      account: { type: 'string' },
      region: { type: 'string' },
      'partner-account': { type: 'string' },
      source: { type: 'string' },
      'keep-time': { type: 'boolean' },
      'skip-setup': { type: 'boolean' },
      'as-aws': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
      version: { type: 'boolean' },
    },
  });
  if (values.help) return 'help';
  if (values.version) return 'version';
  if (positionals.length === 0) throw new Error('give at least one fixture file');
  const account = values.account ?? defaultAccount;
  const partnerAccount = values['partner-account'] ?? defaultPartnerAccount;
  for (const [flag, id] of [['--account', account], ['--partner-account', partnerAccount]]) {
    if (!/^\d{12}$/.test(id)) throw new Error(`${flag} must be 12 digits`);
  }
  const region = values.region ?? defaultRegion;
  const secretFor = signingSecrets(env);
  const options: SendOptions = {
    endpoint: values.endpoint ?? env.EVENTBRIDGE_LOCAL_ENDPOINT ?? 'http://127.0.0.1:4010',
    bus: values.bus,
    customer: { account, region, secretAccessKey: secretFor(account) },
    partner: { account: partnerAccount, region, secretAccessKey: secretFor(partnerAccount) },
    source: values.source,
    keepTime: values['keep-time'] ?? false,
    setup: !values['skip-setup'],
    asAws: values['as-aws'] ?? false,
  };
  if (options.asAws && options.bus !== undefined) throw new Error('--bus does not apply to --as-aws: AWS services put their events on the default bus');
  return { options, files: positionals };
}

/** The secret to sign with for an access key id: its EVENTBRIDGE_LOCAL_CREDENTIALS entry, else AWS_SECRET_ACCESS_KEY. */
function signingSecrets(env: NodeJS.ProcessEnv): (accessKeyId: string) => string {
  const listed = parseCredentials(splitList(env.EVENTBRIDGE_LOCAL_CREDENTIALS), 'EVENTBRIDGE_LOCAL_CREDENTIALS');
  // Without --require-auth the emulator checks no signature: any secret will do.
  const fallback = env.AWS_SECRET_ACCESS_KEY || 'eventbridge-local';
  return (accessKeyId) => listed.find((k) => k.accessKeyId === accessKeyId)?.secretAccessKey ?? fallback;
}

async function sendFile(file: string, options: SendOptions, out: Output, err: Output): Promise<number> {
  const entry = entryOf(readFixtureEvent(file), options);
  if (options.asAws) {
    const res = await putAsAws(options, entry);
    return report(file, `AWS service event on default (${options.customer.account}, ${options.customer.region})`, res, out, err);
  }
  if (!isPartnerSource(entry.Source)) {
    if (options.bus !== undefined) await requireBus(options.bus, options);
    const res = await callEvents(options.endpoint, options.customer, 'PutEvents', { Entries: [{ ...entry, EventBusName: options.bus }] });
    return report(file, `PutEvents on ${options.bus ?? 'default'}`, res.Entries[0], out, err);
  }
  if (options.bus !== undefined) {
    throw new Error(`--bus does not apply to ${entry.Source}: partner events land on the partner event bus named after their source`);
  }
  if (options.setup) await acceptPartnerSource(entry.Source, options);
  await requireActiveSource(entry.Source, options);
  const res = await callEvents(options.endpoint, options.partner, 'PutPartnerEvents', { Entries: [entry satisfies SendEntry] });
  return report(file, `PutPartnerEvents on ${entry.Source}`, res.Entries[0], out, err);
}

/** The emulator's own endpoint for AWS-service events (not an AWS API: AWS services have no PutEvents of their own to call). */
async function putAsAws(options: SendOptions, entry: SendEntry): Promise<{ EventId?: string; ErrorCode?: string; ErrorMessage?: string }> {
  const url = options.endpoint.replace(/\/+$/, '') + '/_eventbridge-local/aws-events';
  const body = { Entries: [{ ...entry, Account: options.customer.account, Region: options.customer.region }] };
  const res = await signedJsonPost(new URL(url), options.customer, JSON.stringify(body));
  const answer = (await res.json().catch(() => ({}))) as { Entries?: Array<{ EventId?: string; ErrorCode?: string; ErrorMessage?: string }>; message?: string };
  if (res.status !== 200 || !answer.Entries) throw new Error(`POST ${url} answered ${res.status}: ${answer.message ?? ''}`);
  return answer.Entries[0];
}

/** The partner offers the source to the customer; the customer accepts it by creating its partner bus. */
async function acceptPartnerSource(source: string, options: SendOptions): Promise<void> {
  const { endpoint, partner, customer } = options;
  await unlessExists(callEvents(endpoint, partner, 'CreatePartnerEventSource', { Name: source, Account: customer.account }));
  await unlessExists(callEvents(endpoint, customer, 'CreateEventBus', { Name: source, EventSourceName: source }));
}

/**
 * PutEvents to a bus that does not exist answers with an EventId and drops the event, as AWS
 * does: a user who mistyped --bus would see success. So send asks first.
 */
async function requireBus(bus: string, options: SendOptions): Promise<void> {
  const { endpoint, customer } = options;
  try {
    await callEvents(endpoint, customer, 'DescribeEventBus', { Name: bus });
  } catch (error) {
    if (!(error instanceof AwsCallError && error.type === 'ResourceNotFoundException')) throw error;
    throw new Error(`event bus ${bus} does not exist in account ${customer.account}, region ${customer.region}; nothing was sent (create it with: aws events create-event-bus --name ${bus})`);
  }
}

/** A source that is not ACTIVE drops its events (they still get an EventId): refuse instead of pretending. */
async function requireActiveSource(source: string, options: SendOptions): Promise<void> {
  const { endpoint, customer } = options;
  let state: string;
  try {
    state = (await callEvents(endpoint, customer, 'DescribeEventSource', { Name: source })).State as string;
  } catch (error) {
    // Not offered to this account (--skip-setup): PutPartnerEvents itself says so.
    if (error instanceof AwsCallError && error.type === 'ResourceNotFoundException') return;
    throw error;
  }
  if (state !== 'ACTIVE') {
    throw new Error(`event source ${source} is ${state}, not ACTIVE, in account ${customer.account}: EventBridge would accept its events and drop them; nothing was sent`);
  }
}

async function unlessExists(call: Promise<unknown>): Promise<void> {
  try {
    await call;
  } catch (error) {
    if (!(error instanceof AwsCallError && error.type === 'ResourceAlreadyExistsException')) throw error;
  }
}

function report(file: string, where: string, result: { EventId?: string; ErrorCode?: string; ErrorMessage?: string }, out: Output, err: Output): number {
  if (result.EventId) {
    out.write(`${file}: ${where}: EventId ${result.EventId}\n`);
    return 0;
  }
  err.write(`${file}: ${where}: ${result.ErrorCode}: ${result.ErrorMessage}\n`);
  return 1;
}
