/**
 * Issue 20 item 3: one data directory, one emulator. Two emulators on one folder each rewrote
 * state.json from their own memory (a bus created on one vanished when the other wrote). Now
 * the second is refused with a message naming the folder and the first one's pid; a lock left
 * by an emulator killed with kill -9 is taken over at the next start.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEmulator } from '../../src/index.js';
import { DataDirLockedError, lockFileName } from '../../src/store/dataDirLock.js';
import { runProcess, startProcess } from '../helpers/process.js';

const tempDir = () => mkdtempSync(join(tmpdir(), 'ebl-lock-'));
const args = (dir: string) => ['--port', '0', '--data-dir', dir, '--log-level', 'warn'];

async function createBus(url: string, name: string): Promise<void> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSEvents.CreateEventBus', authorization: 'AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/events/aws4_request, SignedHeaders=host, Signature=0' },
    body: JSON.stringify({ Name: name }),
  });
  expect(res.status).toBe(200);
}

test('a second emulator on the same data directory is refused, naming the directory and the pid; a kill -9 leaves a lock that the next start takes over', async () => {
  const dir = tempDir();
  const first = await startProcess(args(dir));
  try {
    await createBus(first.url, 'from-first');
    const second = await runProcess(args(dir));
    expect(second.code).toBe(1);
    expect(second.stderr).toContain(`Data directory ${dir} is in use by another eventbridge-local (pid ${first.child.pid}`);
    expect(second.stderr).not.toMatch(/\n\s+at /); // a message, not a stack
    expect(second.stdout).not.toContain('listening');
    expect(JSON.parse(readFileSync(join(dir, lockFileName), 'utf8')).pid).toBe(first.child.pid);
  } finally {
    await first.stop('SIGKILL');
  }
  // The killed emulator's lock is still there, and stale.
  expect(existsSync(join(dir, lockFileName))).toBe(true);
  const third = await startProcess(args(dir));
  try {
    expect(third.stderr()).toContain('stale data-directory lock taken over');
    expect(JSON.parse(readFileSync(join(dir, lockFileName), 'utf8')).pid).toBe(third.child.pid);
    const res = await fetch(`${third.url}/_eventbridge-local/health`);
    expect(res.status).toBe(200);
    await createBus(third.url, 'from-third');
  } finally {
    expect(await third.stop('SIGTERM')).toBe(0);
  }
  // A clean stop releases it.
  expect(existsSync(join(dir, lockFileName))).toBe(false);
  const state = JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8'));
  expect(Object.keys(state.namespaces['000000000000:us-east-1'].eventBuses).sort()).toEqual(['default', 'from-first', 'from-third']);
}, 60_000);

test('in one process too: a second createEmulator on an open data directory is refused until the first closes', async () => {
  const dir = tempDir();
  const first = await createEmulator({ port: 0, dataDir: dir, logLevel: 'silent' });
  await expect(createEmulator({ port: 0, dataDir: dir, logLevel: 'silent' })).rejects.toThrow(DataDirLockedError);
  await expect(createEmulator({ port: 0, dataDir: dir, logLevel: 'silent' })).rejects.toThrow(`pid ${process.pid}`);
  await first.close();
  const again = await createEmulator({ port: 0, dataDir: dir, logLevel: 'silent' });
  await again.close();
});

test('an unreadable lock file (an owner killed while writing it) is taken over', async () => {
  const dir = tempDir();
  const { writeFileSync } = await import('node:fs');
  writeFileSync(join(dir, lockFileName), '\0\0\0');
  const emu = await startProcess(args(dir));
  expect(emu.stderr()).toContain('stale data-directory lock taken over');
  await emu.stop();
});

test('four emulators started at once on one data directory: exactly one runs', async () => {
  const dir = tempDir();
  const started = await Promise.allSettled(Array.from({ length: 4 }, () => startProcess(args(dir))));
  const running = started.filter((s): s is PromiseFulfilledResult<Awaited<ReturnType<typeof startProcess>>> => s.status === 'fulfilled');
  try {
    expect(running).toHaveLength(1);
    for (const s of started) if (s.status === 'rejected') expect(String((s.reason as { stderr?: string }).stderr)).toContain(`Data directory ${dir} is in use by another eventbridge-local (pid ${running[0].value.child.pid}`);
  } finally {
    for (const r of running) await r.value.stop();
  }
}, 60_000);
