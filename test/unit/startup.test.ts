/**
 * Start-up: the build happens at install (`prepare`), `npm start` runs the compiled server
 * as is, and a build older than its sources refuses to start with a one-line hint.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { staleBuildHint } from '../../src/util/buildFreshness.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

describe('a build older than src/ is refused', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ebl-stale-'));
    mkdirSync(join(dir, 'src', 'engine', 'delivery'), { recursive: true });
    mkdirSync(join(dir, 'dist', 'src'), { recursive: true });
    writeFileSync(join(dir, 'src', 'engine', 'delivery', 'engine.ts'), '');
    writeFileSync(join(dir, 'dist', 'src', 'cli.js'), '');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const at = (path: string, seconds: number) => utimesSync(join(dir, path), seconds, seconds);
  const setTimes = (sources: number, build: number) => {
    for (const path of ['src', 'src/engine', 'src/engine/delivery', 'src/engine/delivery/engine.ts']) at(path, sources);
    at('dist/src/cli.js', build);
  };

  test('a source file newer than the build: a one-line hint', () => {
    setTimes(1_000, 2_000);
    at('src/engine/delivery/engine.ts', 3_000);
    const hint = staleBuildHint(dir, join(dir, 'dist', 'src', 'cli.js'));
    expect(hint).toBe('src/ changed since the last build: run `npm run build` first (or `npm run dev`, which builds and starts)');
  });

  test('a folder changed since the build (a file removed or renamed in it): the hint too', () => {
    setTimes(1_000, 2_000);
    at('src/engine', 3_000);
    expect(staleBuildHint(dir, join(dir, 'dist', 'src', 'cli.js'))).toMatch(/^src\/ changed since the last build/);
  });

  test('a build newer than every source: nothing to say', () => {
    setTimes(1_000, 2_000);
    expect(staleBuildHint(dir, join(dir, 'dist', 'src', 'cli.js'))).toBeUndefined();
  });

  test('no src/ (an installed package, the Docker image): never stale', () => {
    rmSync(join(dir, 'src'), { recursive: true });
    expect(staleBuildHint(dir, join(dir, 'dist', 'src', 'cli.js'))).toBeUndefined();
  });
});

test('the scripts: install builds, start runs the build, and npx and the image run the same entry point', () => {
  expect(pkg.scripts.prepare).toBe('npm run build');
  expect(pkg.scripts.prestart).toBeUndefined();
  expect(pkg.scripts.start).toBe('node --v8-pool-size=1 dist/src/cli.js');
  expect(pkg.scripts.dev).toMatch(/^npm run build && npm start/);
  const bin = readFileSync(join(root, pkg.bin['eventbridge-local']), 'utf8');
  expect(bin).toContain("import '../dist/src/cli.js';");
  // V8's own tiering budget: --interrupt-budget=16384 made a fresh emulator's first 3 s under load worse (docs/performance.md, 2026-12-04 #2).
  expect(bin).not.toContain('interrupt-budget');
  const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
  expect(dockerfile).toContain('CMD ["node", "--v8-pool-size=1", "dist/src/cli.js",');
  // The image installs before copying src/, so its install must not run the `prepare` build.
  expect(dockerfile).toMatch(/RUN npm ci [^\n]*--ignore-scripts/);
});

test('npm start does not rebuild: the build is untouched and the server listens', async () => {
  const built = join(root, 'dist', 'src', 'cli.js');
  const before = statSync(built).mtimeMs;
  const child = spawn('npm', ['start', '--', '--port', '0', '--in-memory'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  try {
    const line = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (d) => {
        out += d;
        const found = /eventbridge-local listening on \S+/.exec(out);
        if (found) resolve(found[0]);
      });
      child.once('exit', (code) => reject(new Error(`npm start exited with ${code}: ${stderr}`)));
    });
    expect(line).toMatch(/^eventbridge-local listening on http:\/\/127\.0\.0\.1:\d+$/);
    expect(statSync(built).mtimeMs).toBe(before);
  } finally {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    process.kill(-child.pid!, 'SIGTERM');
    await exited;
  }
}, 300_000);

test('the build bundles the server: dist/src/cli.js loads no other module of ours, and the lazy packages stay out of it', () => {
  expect(pkg.scripts.build).toMatch(/&& node scripts\/bundle\.mjs$/);
  const built = readFileSync(join(root, 'dist', 'src', 'cli.js'), 'utf8');
  // Static or dynamic imports of a relative path would mean one module per source file again.
  expect(built).not.toMatch(/^\s*(?:import|export)\b[^\n]*\bfrom\s*["']\.\.?\//m);
  expect(built).not.toMatch(/\bimport\("\.\.?\//); // esbuild writes double quotes; JSDoc types use single
  // Imported on first use from node_modules, not parsed at every start.
  for (const lazy of ['@smithy/signature-v4', '@aws-sdk/client-sqs']) expect(built).toMatch(new RegExp(`import\\(["']${lazy}["']\\)`));
  expect(built).not.toContain('class SignatureV4');
  // Loaded at first use (scripts/bundle.mjs's lazy plugins): express's qs, body-parser, mime-types and what they pull in.
  for (const lazy of ['qs', 'object-inspect', 'side-channel', 'body-parser', 'iconv-lite', 'mime-db']) expect(built).not.toContain(`// node_modules/${lazy}/`);
});
