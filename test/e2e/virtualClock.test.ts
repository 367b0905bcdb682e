/**
 * The virtual clock is exact and durable: an advance steps through every due time (so one
 * advance of a day gives the retries many small advances give), its offset is saved with
 * the state, a reset returns to real time, and a Retry-After date is read on the wall clock.
 * Real time is frozen in most tests (the clock moves only when advanced) and the jitter is
 * a seeded sequence, so two emulators given the same history must attempt at the same times.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VirtualClock } from '../../src/util/clock.js';
import { startEmulator, type Running } from '../helpers/emulator.js';
import { startHttpSink, type HttpSink } from '../helpers/httpSink.js';
import { deadLetters, reset } from '../helpers/inspect.js';
import { basicConnection, createDestination, deliveriesTo, dlqArn, putShopEvent, ruleToDestination } from '../helpers/apiDestinations.js';

const T0 = Date.UTC(2026, 0, 5, 12, 0, 0);
const day = 86_400;

/** A small deterministic PRNG (mulberry32): the same seed gives the same jitter in both emulators. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function postClock(emu: Running, advanceSeconds: number): Promise<any> {
  const res = await fetch(`${emu.url}/_eventbridge-local/clock`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ advanceSeconds }) });
  expect(res.status).toBe(200);
  return res.json();
}

async function getClock(emu: Running): Promise<any> {
  return (await fetch(`${emu.url}/_eventbridge-local/clock`)).json();
}

let api: HttpSink;
beforeAll(async () => {
  api = await startHttpSink();
  api.fallback = () => ({ status: 500, body: '{"message":"down"}' });
});
afterAll(() => api.close());

/** A failing API destination with a day-long retry policy; returns what happened to one event after `advances`. */
async function failingDayOfRetries(advances: number[]) {
  const emu = await startEmulator({ clock: new VirtualClock(() => T0), random: seeded(20) });
  try {
    const conn = await basicConnection(emu);
    const dest = await createDestination(emu, 'orders', conn, `${api.url}/orders`);
    await ruleToDestination(emu, dest, { DeadLetterConfig: { Arn: dlqArn }, RetryPolicy: { MaximumEventAgeInSeconds: day, MaximumRetryAttempts: 185 } });
    await putShopEvent(emu);
    await emu.emulator.engine.idle();
    for (const seconds of advances) await postClock(emu, seconds);
    const [delivery] = await deliveriesTo(emu, dest);
    const [message] = await deadLetters(emu.url, dlqArn);
    const { TARGET_ARN, ...attributes } = message?.attributes ?? {}; // the destination's ARN holds a random id
    expect(TARGET_ARN).toBe(dest);
    return { status: delivery.status, attempts: delivery.attempts.map((a: any) => Date.parse(a.at) - T0), attributes };
  } finally {
    await emu.close();
  }
}

test('one advance of 86,400 s makes the same attempts, at the same times, as 288 advances of 300 s', async () => {
  const once = await failingDayOfRetries([day]);
  const inSteps = await failingDayOfRetries(Array.from({ length: 288 }, () => 300));
  expect(once.attempts.length).toBeGreaterThan(100);
  expect(once).toEqual(inSteps);
  // 1 attempt + 185 retries within the day; every retry strictly after the one before.
  expect(once.attempts).toHaveLength(186);
  expect(once.attempts.every((t: number, i: number) => i === 0 || t > once.attempts[i - 1])).toBe(true);
  expect(once.status).toBe('dead-lettered');
  expect(once.attributes).toMatchObject({ EXHAUSTED_RETRY_CONDITION: 'MaximumRetryAttempts', RETRY_ATTEMPTS: '185' });
});

test('each retry is scheduled from the moment its attempt was due: the gaps are the backoff, whatever the step', async () => {
  // MaximumRetryAttempts 185 at a base of 1 s, doubling to a 5 min cap, jitter between half and all of it.
  const { attempts } = await failingDayOfRetries([day]);
  expect(attempts).toHaveLength(186);
  const gaps = attempts.slice(1).map((t: number, i: number) => t - attempts[i]);
  gaps.forEach((gap: number, i: number) => {
    const full = Math.min(300_000, 1000 * 2 ** i);
    expect(gap).toBeGreaterThanOrEqual(full / 2);
    expect(gap).toBeLessThanOrEqual(full);
  });
});

describe('the offset is part of the state', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ebl-clock-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  test('saved with the state and restored on restart; a pending retry keeps its place', async () => {
    let emu = await startEmulator({ dataDir: dir, clock: new VirtualClock(() => T0), random: () => 0.5 });
    const conn = await basicConnection(emu);
    const dest = await createDestination(emu, 'orders', conn, `${api.url}/orders`);
    await ruleToDestination(emu, dest, { DeadLetterConfig: { Arn: dlqArn } });
    await postClock(emu, day);
    await putShopEvent(emu);
    await emu.emulator.engine.idle();
    const [before] = await deliveriesTo(emu, dest);
    expect(before.status).toBe('pending');
    await emu.close();

    emu = await startEmulator({ dataDir: dir, clock: new VirtualClock(() => T0), random: () => 0.5 });
    try {
      expect(await getClock(emu)).toEqual({ now: new Date(T0 + day * 1000).toISOString(), epochMillis: T0 + day * 1000, offsetMillis: day * 1000 });
      const [after] = await deliveriesTo(emu, dest);
      expect(after.nextAttemptAt).toBe(before.nextAttemptAt);
      // The retry is 750 ms away on the restored clock, not a day of real time.
      api.clear();
      api.fallback = () => ({ status: 200 });
      await postClock(emu, 1);
      expect(api.requests).toHaveLength(1);
    } finally {
      api.fallback = () => ({ status: 500, body: '{"message":"down"}' });
      await emu.close();
    }
  });

  test('an in-process advance (emulator.clock.advance, advanceSettled) is saved too', async () => {
    let emu = await startEmulator({ dataDir: dir, clock: new VirtualClock(() => T0) });
    emu.emulator.clock.advance(3_600_000);
    await emu.emulator.clock.advanceSettled(60_000, () => emu.emulator.engine.idle());
    await emu.close();
    emu = await startEmulator({ dataDir: dir, clock: new VirtualClock(() => T0) });
    try {
      expect((await getClock(emu)).offsetMillis).toBe(3_660_000);
    } finally {
      await emu.close();
    }
  });

  test('reset returns the clock to real time (and the saved offset goes with it)', async () => {
    let emu = await startEmulator({ dataDir: dir, clock: new VirtualClock(() => T0) });
    await postClock(emu, 3600);
    expect((await getClock(emu)).offsetMillis).toBe(3_600_000);
    await reset(emu.url);
    expect(await getClock(emu)).toMatchObject({ epochMillis: T0, offsetMillis: 0 });
    await emu.close();
    emu = await startEmulator({ dataDir: dir, clock: new VirtualClock(() => T0) });
    expect((await getClock(emu)).offsetMillis).toBe(0);
    await emu.close();
  });
});

test('a Retry-After date is read on the wall clock and waited on the virtual clock', async () => {
  const emu = await startEmulator({ clock: new VirtualClock(() => T0), random: () => 0.5 });
  try {
    await reset(emu.url);
    const conn = await basicConnection(emu);
    const dest = await createDestination(emu, 'orders', conn, `${api.url}/orders`);
    await ruleToDestination(emu, dest);
    await postClock(emu, day); // virtual time is a day ahead of every real clock
    // The server's clock says "in 45 seconds" (HTTP dates have whole seconds; T0 is on one).
    api.reply({ status: 429, headers: { 'Retry-After': new Date(T0 + 45_000).toUTCString() } });
    await putShopEvent(emu);
    await emu.emulator.engine.idle();
    const [pending] = await deliveriesTo(emu, dest);
    expect(Date.parse(pending.nextAttemptAt) - Date.parse(pending.attempts[0].at)).toBe(45_000);
  } finally {
    await emu.close();
  }
});
