// Profile the emulator under bench/controlplane/schedules.mjs's load: N existing schedules, then
// timed CreateSchedule calls from 16 connections, with the JSON store (or --in-memory).
//   node bench/controlplane/profileSchedules.mjs <out-dir> [existing=5000] [calls=1000] [--in-memory] [--not-firing]
// --not-firing: StartDate a day ahead (schedules.mjs's "not firing yet": the control plane alone).
// Prints the timed phase's window on CLOCK_MONOTONIC for bench/putevents/profileWindow.mjs.
import { authorization, emulatorCommand, fmt, forEachConcurrent, freePort, monotonicNow, post, spawnAndWait, awsCall, tempDir, nodeFlags } from '../lib/load.mjs';

const [outDir, existingArg, callsArg] = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const existing = Number(existingArg ?? 5000);
const calls = Number(callsArg ?? 1000);
const store = process.argv.includes('--in-memory') ? ['--in-memory'] : ['--data-dir', tempDir()];
const port = await freePort();
const url = `http://127.0.0.1:${port}`;
const server = await spawnAndWait(process.execPath, [...nodeFlags, '--cpu-prof', '--cpu-prof-dir', outDir, emulatorCommand.at(-1), '--port', String(port), '--log-level', 'silent', ...store], url, (u) => awsCall(u, 'ListRules', {}));
const schedulerAuthorization = authorization.replace('/events/', '/scheduler/');
const startDate = process.argv.includes('--not-firing') ? { StartDate: Math.floor(Date.now() / 1000) + 86_400 } : {};
const body = JSON.stringify({ ScheduleExpression: 'rate(1 day)', ...startDate, FlexibleTimeWindow: { Mode: 'OFF' }, Target: { Arn: 'arn:aws:sqs:us-east-1:000000000000:q', RoleArn: 'arn:aws:iam::000000000000:role/r' } });
const create = (from, count) =>
  forEachConcurrent(count, 16, async (i) => {
    const res = await post(`${url}/schedules/s-${from + i}`, { 'Content-Type': 'application/json', Authorization: schedulerAuthorization }, body);
    if (res.status !== 200) throw new Error(`CreateSchedule -> ${res.status} ${res.body.slice(0, 300)}`);
  });
await create(0, existing);
const from = monotonicNow();
const t0 = performance.now();
await create(existing, calls);
const rate = calls / ((performance.now() - t0) / 1000);
const to = monotonicNow();
await server.stop();
console.log(`${fmt(rate)} calls/s on top of ${fmt(existing)}; window ${from.toFixed(1)} ${to.toFixed(1)}`);
