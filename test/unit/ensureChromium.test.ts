/** `npm test` first makes sure the dashboard tests have a Chromium (scripts/ensure-chromium.mjs). */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const script = fileURLToPath(new URL('../../scripts/ensure-chromium.mjs', import.meta.url));
const run = (env: NodeJS.ProcessEnv) =>
  new Promise<{ code: number; stderr: string }>((resolve) => {
    execFile(process.execPath, [script], { env: { ...process.env, ...env } }, (err, _stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stderr }));
  });

test('a browser at CHROMIUM_PATH: nothing to do', async () => {
  expect(await run({ CHROMIUM_PATH: process.execPath })).toEqual({ code: 0, stderr: '' });
});

test('CHROMIUM_PATH naming nothing: exit 1 with the reason, before the suite runs', async () => {
  const result = await run({ CHROMIUM_PATH: '/nonexistent/chromium' });
  expect(result.code).toBe(1);
  expect(result.stderr).toContain('CHROMIUM_PATH=/nonexistent/chromium does not exist.');
});

test('npm test runs it before the suite', async () => {
  const { readFileSync } = await import('node:fs');
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
  expect(pkg.scripts.pretest).toMatch(/^node scripts\/ensure-chromium\.mjs && /);
});
