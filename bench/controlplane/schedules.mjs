// bench/controlplane/schedules.mjs (run by run.mjs, or alone after `npm run build`):
// CreateSchedule rate with the JSON store vs in memory, on top of 1,000 and 5,000 schedules
// that already exist (a whole-state rewrite per call makes the JSON store's rate fall as they grow;
// a journal append does not). Alternating rounds, one fresh emulator per round and kind.
// BENCH_SCHEDULE_ROUNDS (default 3, --quick 1), BENCH_SCHEDULE_CALLS (timed calls per round, default 1,000).
//
// A rate schedule without StartDate is invoked at once (as on AWS), so each CreateSchedule also
// makes a delivery (a captured SQS message), which the JSON store journals too: the control-plane
// rate had the delivery side mixed in. Each round now also times schedules whose StartDate is a
// day ahead (nothing fires during the bench: the control plane alone, like with like), and both
// report the server's CPU per call (/proc/<pid>/stat, all threads), which the machine's load moves
// less than a rate from 16 connections. The recorded row is the control plane alone; the old
// figure (schedules firing at once) is printed beside it.
import { readFileSync } from 'node:fs';
import { authorization, fmt, forEachConcurrent, median, post, quick, record, startEmulator, tempDir } from '../lib/load.mjs';

const schedulerAuthorization = authorization.replace('/events/', '/scheduler/');
const target = { Arn: 'arn:aws:sqs:us-east-1:000000000000:q', RoleArn: 'arn:aws:iam::000000000000:role/r' };
const firing = JSON.stringify({ ScheduleExpression: 'rate(1 day)', FlexibleTimeWindow: { Mode: 'OFF' }, Target: target });
/** StartDate a day ahead (epoch seconds, REST-JSON's timestamp): the schedule is armed, nothing fires during the bench. */
const notYet = () => JSON.stringify({ ScheduleExpression: 'rate(1 day)', StartDate: Math.floor(Date.now() / 1000) + 86_400, FlexibleTimeWindow: { Mode: 'OFF' }, Target: target });
function createSchedule(url, name, body) {
  return post(`${url}/schedules/${name}`, { 'Content-Type': 'application/json', Authorization: schedulerAuthorization }, body);
}
/** A process's CPU time so far (user + system, all threads), ms. */
function cpuMsOf(pid) {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(f[11]) + Number(f[12])) * 10;
}
async function schedulesOk(url, from, count, body) {
  await forEachConcurrent(count, 16, async (i) => {
    const res = await createSchedule(url, `s-${from + i}`, body);
    if (res.status !== 200) throw new Error(`CreateSchedule -> ${res.status} ${res.body.slice(0, 300)}`);
  });
}
async function scheduleRates() {
  const rounds = Number(process.env.BENCH_SCHEDULE_ROUNDS ?? (quick ? 1 : 3));
  const calls = Number(process.env.BENCH_SCHEDULE_CALLS ?? 1_000);
  const sizes = [1_000, 5_000];
  const modes = { firing: () => firing, 'not firing yet': notYet };
  const empty = () => ({ memory: [], json: [], memoryCpu: [], jsonCpu: [] });
  const rates = Object.fromEntries(Object.keys(modes).map((m) => [m, Object.fromEntries(sizes.map((n) => [n, empty()]))]));
  for (let round = 0; round < rounds; round++) {
    for (const [mode, body] of Object.entries(modes)) {
      for (const existing of sizes) {
        for (const kind of round % 2 === 0 ? ['memory', 'json'] : ['json', 'memory']) {
          const e = await startEmulator(kind === 'json' ? tempDir() : undefined);
          try {
            const b = body();
            await schedulesOk(e.url, 0, existing, b);
            const cpu0 = cpuMsOf(e.child.pid);
            const t0 = performance.now();
            await schedulesOk(e.url, existing, calls, b);
            rates[mode][existing][kind].push(calls / ((performance.now() - t0) / 1000));
            rates[mode][existing][`${kind}Cpu`].push((cpuMsOf(e.child.pid) - cpu0) / calls);
          } finally {
            await e.stop();
          }
        }
      }
    }
  }
  const spread = (xs, digits = 0) => `${fmt(Math.min(...xs), digits)}–${fmt(Math.max(...xs), digits)}`;
  const cell = (xs, digits = 0) => `${fmt(median(xs), digits)} (${spread(xs, digits)})`;
  const ratioCell = (xs) => `${fmt(median(xs), 2)}x (${spread(xs, 2)})`;
  const ratioOf = (a, b) => a.map((x, i) => x / b[i]);
  console.log(`\nCreateSchedule, ${fmt(calls)} calls from 16 connections on top of N existing schedules, ${rounds} alternating round(s), median (min–max)`);
  console.log('| schedules | existing | in memory, calls/s | JSON store, calls/s | JSON / memory | server CPU per call, in memory, ms | JSON store, ms | JSON / memory, CPU per call |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const mode of Object.keys(modes)) {
    for (const existing of sizes) {
      const r = rates[mode][existing];
      console.log(`| ${mode} | ${fmt(existing)} | ${cell(r.memory)} | ${cell(r.json)} | ${ratioCell(ratioOf(r.json, r.memory))} | ${cell(r.memoryCpu, 3)} | ${cell(r.jsonCpu, 3)} | ${ratioCell(ratioOf(r.jsonCpu, r.memoryCpu))} |`);
    }
  }
  for (const existing of sizes) {
    const r = rates['not firing yet'][existing];
    const old = rates.firing[existing];
    const ratios = ratioOf(r.json, r.memory);
    const oldRatios = ratioOf(old.json, old.memory);
    record({
      row: 'putrule-json',
      metric: `CreateSchedule with the JSON store vs in memory, ${fmt(existing)} schedules exist (StartDate ahead: the control plane alone), calls/s`,
      emulator: `${fmt(median(r.json))}/s; server CPU ${fmt(median(r.jsonCpu), 3)} ms per call`,
      competitors: `in memory ${fmt(median(r.memory))}/s, CPU ${fmt(median(r.memoryCpu), 3)} ms per call; schedules firing at once (the old figure): ${fmt(median(oldRatios), 2)}x (${spread(oldRatios, 2)})`,
      // Calls/s the server's CPU would allow, JSON over memory: the rate a shared machine's load moves least.
      ratio: `${fmt(median(ratios), 2)}x (${spread(ratios, 2)}); by server CPU per call ${fmt(median(r.memoryCpu) / median(r.jsonCpu), 2)}x`,
      goal: '≥ 0.8x',
      met: median(ratios) >= 0.8,
    });
  }
}
await scheduleRates();
