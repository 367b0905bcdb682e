#!/usr/bin/env node
/**
 * `npm test` runs this first: the dashboard's browser tests (test/ui/) need a Chromium, and
 * playwright-core ships none. Found (CHROMIUM_PATH, or a usual install path): nothing to do.
 * Missing on Debian/Ubuntu as root (a fresh CI box or container): apt-get installs Debian's
 * `chromium`, as .ci/run does. Otherwise: say what to install, and fail before the suite runs.
 * Keep the path list in step with test/ui/browser.ts.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const candidates = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
];

function found() {
  if (process.env.CHROMIUM_PATH) return existsSync(process.env.CHROMIUM_PATH) ? process.env.CHROMIUM_PATH : undefined;
  return candidates.find((path) => existsSync(path));
}

function aptInstall() {
  const apt = (...args) => execFileSync('apt-get', args, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  process.stderr.write('npm test: no Chromium for the dashboard tests; installing Debian\'s chromium (apt-get, as root)\n');
  try {
    apt('install', '-y', '--no-install-recommends', 'chromium');
  } catch {
    apt('update');
    apt('install', '-y', '--no-install-recommends', 'chromium');
  }
}

if (!found()) {
  const canApt = process.platform === 'linux' && process.getuid?.() === 0 && existsSync('/usr/bin/apt-get');
  if (canApt) {
    try {
      aptInstall();
    } catch (err) {
      process.stderr.write(`npm test: installing chromium failed: ${err.message}\n`);
    }
  }
  if (!found()) {
    process.stderr.write(
      process.env.CHROMIUM_PATH
        ? `npm test: CHROMIUM_PATH=${process.env.CHROMIUM_PATH} does not exist.\n`
        : 'npm test: the dashboard tests need Chromium or Google Chrome. Debian/Ubuntu: `sudo apt-get install chromium`; ' +
            'macOS: `brew install --cask chromium` (or install Google Chrome); elsewhere set CHROMIUM_PATH to the browser binary.\n',
    );
    process.exit(1);
  }
}
