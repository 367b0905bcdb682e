/** argv/env -> config -> createEmulator().listen(); nothing else. */
import { fileURLToPath } from 'node:url';
import { ConfigError, HelpRequested, commandLineSecretWarnings, configFromArgs, usage } from './config.js';
import { createLogger } from './util/log.js';
import { createEmulator, type Emulator } from './index.js';
import { StateFileError } from './store/lowdbFile.js';
import { runSend } from './send/sendCommand.js';
import { version } from './version.js';
import { staleBuildHint } from './util/buildFreshness.js';
import { defaultWarmUpBeforeListeningMs, defaultWarmUpEvents, warmUp, warmUpBeforeListening } from './warmUp.js';

let emulator: Emulator | undefined;
let stopping = false;

// Installed before anything starts, so a signal that arrives right after the
// "listening" line still flushes state and exits cleanly.
function stop(signal: string): void {
  if (stopping) return;
  stopping = true;
  (emulator ? emulator.close() : Promise.resolve()).then(
    () => process.exit(0),
    (err) => {
      process.stderr.write(`eventbridge-local: error while stopping on ${signal}: ${err}\n`);
      process.exit(1);
    },
  );
}
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));

async function main(): Promise<void> {
  // The AWS SDK clients the delivery senders load warn once that future SDK releases need Node 22; this
  // server runs the SDK versions of its lockfile and supports Node 20 (package.json engines), so the warning would only
  // puzzle the user. The user's own processes (createEmulator in their tests) keep their own setting.
  if (!process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED) process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  // dist/src/cli.js -> the checkout's root, two folders up.
  const stale = staleBuildHint(fileURLToPath(new URL('../..', import.meta.url)), fileURLToPath(import.meta.url));
  if (stale) {
    process.stderr.write(`eventbridge-local: ${stale}\n`);
    process.exitCode = 1;
    return;
  }
  // `eventbridge-local send <file...>` puts fixture events on a running emulator, then exits.
  if (process.argv[2] === 'send') {
    process.exitCode = await runSend(process.argv.slice(3));
    return;
  }
  if (process.argv.slice(2).includes('--version') || process.argv[2] === '-v') {
    process.stdout.write(`eventbridge-local ${version}\n`);
    return;
  }
  const config = configFromArgs(process.argv.slice(2));
  const log = createLogger(config.logLevel);
  for (const warning of commandLineSecretWarnings(process.argv.slice(2))) log.warn(warning);
  // Every file the emulator creates is owner-only from its first byte (they hold connection
  // secrets and event payloads): lowdb's temp file would otherwise be 0644 until the chmod
  // after its rename, and a kill -9 in between left state.json world-readable.
  process.umask(0o077);
  emulator = await createEmulator(config);
  // A private emulator takes the JIT's cold phase (src/warmUp.ts) after "listening", while the user's
  // emulator is idle, and before it only if EVENTBRIDGE_LOCAL_WARM_UP_BEFORE_LISTENING_MS asks (off by
  // default). EVENTBRIDGE_LOCAL_WARM_UP=0 turns both off; a number sets how many events it sends in all.
  const warmUpEvents = Number(process.env.EVENTBRIDGE_LOCAL_WARM_UP ?? defaultWarmUpEvents);
  const beforeListeningMs = Number(process.env.EVENTBRIDGE_LOCAL_WARM_UP_BEFORE_LISTENING_MS ?? defaultWarmUpBeforeListeningMs);
  let warmedEvents = 0;
  if (warmUpEvents > 0 && beforeListeningMs > 0) {
    const r = await warmUpBeforeListening(beforeListeningMs, warmUpEvents).catch((err) => {
      log.debug('warm-up before listening failed (nothing depends on it)', { error: String(err) });
      return undefined;
    });
    if (r) log.debug('warm-up before listening done', { events: r.events, delivered: r.delivered, ms: Math.round(r.ms), setupMs: Math.round(r.setupMs ?? 0) });
    warmedEvents = r?.events ?? 0;
  }
  const { url } = await emulator.listen();
  const state = emulator.store.path ? `state in ${emulator.store.path}` : 'state in memory';
  process.stdout.write(`eventbridge-local listening on ${url} (${state})\n`);
  if (emulator.adminToken && !config.adminToken) {
    // A fresh token per start: only who can read this output (the user who started it) holds it.
    process.stdout.write(`admin token (Authorization: Bearer <token> on /_eventbridge-local/*): ${emulator.adminToken}\n`);
    process.stdout.write(`dashboard: ${url}/_eventbridge-local/ui/#token=${emulator.adminToken}\n`);
  }
  if (warmUpEvents - warmedEvents > 0) {
    const user = emulator;
    warmUp(warmUpEvents - warmedEvents, () => user.engine.pendingCount() > 0).then(
      (r) => log.debug('warm-up done', { events: r.events, delivered: r.delivered, ms: Math.round(r.ms) }),
      (err) => log.debug('warm-up failed (nothing depends on it)', { error: String(err) }),
    );
  }
}

main().catch((err) => {
  if (err instanceof HelpRequested) {
    process.stdout.write(usage);
    process.exit(0);
  }
  // node:util parseArgs throws a TypeError coded ERR_PARSE_ARGS_* for an unknown or malformed flag: misuse, not a crash.
  const misuse = err instanceof ConfigError || String((err as { code?: string }).code).startsWith('ERR_PARSE_ARGS');
  const known = misuse || err instanceof StateFileError || (err as { code?: string }).code === 'EADDRINUSE';
  process.stderr.write(`eventbridge-local: ${known ? err.message : err?.stack ?? err}\n${misuse ? usage : ''}`);
  process.exit(1);
});
