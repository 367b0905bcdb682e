// bench/controlplane/schedules.mjs (run by run.mjs, or alone after `npm run build`):
// CreateSchedule rate with the JSON store vs in memory, on top of 1,000 and 5,000 schedules
// that already exist (a whole-state rewrite per call makes the JSON store's rate fall as they grow;
// a journal append does not). Alternating rounds, one fresh emulator per round and kind.
// BENCH_SCHEDULE_ROUNDS (default 3, --quick 1), BENCH_SCHEDULE_CALLS (timed calls per round, default 1,000).
import { authorization, fmt, forEachConcurrent, median, post, quick, record, startEmulator, tempDir } from '../lib/load.mjs';

const schedulerAuthorization = authorization.replace('/events/', '/scheduler/');
function createSchedule(url, name) {
  const body = JSON.stringify({ ScheduleExpression: 'rate(1 day)', FlexibleTimeWindow: { Mode: 'OFF' }, Target: { Arn: 'arn:aws:sqs:us-east-1:000000000000:q', RoleArn: 'arn:aws:iam::000000000000:role/r' } });
  return post(`${url}/schedules/${name}`, { 'Content-Type': 'application/json', Authorization: schedulerAuthorization }, body);
}
async function schedulesOk(url, from, count) {
  await forEachConcurrent(count, 16, async (i) => {
    const res = await createSchedule(url, `s-${from + i}`);
    if (res.status !== 200) throw new Error(`CreateSchedule -> ${res.status} ${res.body.slice(0, 300)}`);
  });
}
async function scheduleRates() {
  const rounds = Number(process.env.BENCH_SCHEDULE_ROUNDS ?? (quick ? 1 : 3));
  const calls = Number(process.env.BENCH_SCHEDULE_CALLS ?? 1_000);
  const sizes = [1_000, 5_000];
  const rates = Object.fromEntries(sizes.map((n) => [n, { memory: [], json: [] }]));
  for (let round = 0; round < rounds; round++) {
    for (const existing of sizes) {
      for (const kind of round % 2 === 0 ? ['memory', 'json'] : ['json', 'memory']) {
        const e = await startEmulator(kind === 'json' ? tempDir() : undefined);
        try {
          await schedulesOk(e.url, 0, existing);
          const t0 = performance.now();
          await schedulesOk(e.url, existing, calls);
          rates[existing][kind].push(calls / ((performance.now() - t0) / 1000));
        } finally {
          await e.stop();
        }
      }
    }
  }
  const spread = (xs, digits = 0) => `${fmt(Math.min(...xs), digits)}–${fmt(Math.max(...xs), digits)}`;
  console.log(`\nCreateSchedule, ${fmt(calls)} calls from 16 connections on top of N existing schedules, ${rounds} alternating round(s), median (min–max)`);
  console.log('| existing schedules | in memory, calls/s | JSON store, calls/s | JSON / memory |');
  console.log('|---:|---:|---:|---:|');
  for (const existing of sizes) {
    const { memory, json } = rates[existing];
    const ratios = json.map((r, i) => r / memory[i]);
    console.log(`| ${fmt(existing)} | ${fmt(median(memory))} (${spread(memory)}) | ${fmt(median(json))} (${spread(json)}) | ${fmt(median(ratios), 2)}x (${spread(ratios, 2)}) |`);
    record({ row: 'putrule-json', metric: `CreateSchedule with the JSON store vs in memory, ${fmt(existing)} schedules exist, calls/s`, emulator: `${fmt(median(json))}/s`, competitors: `in memory ${fmt(median(memory))}/s`, ratio: `${fmt(median(ratios), 2)}x (${spread(ratios, 2)})`, goal: '≥ 0.8x', met: median(ratios) >= 0.8 });
  }
}
await scheduleRates();
