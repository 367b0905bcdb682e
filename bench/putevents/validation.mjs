// In-process A/B of the request validation (parseRequest) on the ingest bench's 10-entry PutEvents
// body, two built checkouts alternating round by round (the first two rounds are warm-up):
//   node bench/putevents/validation.mjs <checkout-A> <checkout-B>
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ingestEntries } from '../lib/ingestLoad.mjs';
const dirs = process.argv.slice(2);
const mods = await Promise.all(dirs.map((d) => import(pathToFileURL(resolve(d, 'dist/src/engine/validation/index.js')).href)));
const entries = ingestEntries;
const text = JSON.stringify({ Entries: entries });
const N = 100000;
const body = JSON.parse(text);
const res = dirs.map(() => []);
for (let r = 0; r < 8; r++) for (let m = 0; m < mods.length; m++) {
  const t = process.cpuUsage();
  for (let i = 0; i < N; i++) mods[m].parseRequest('PutEvents', body);
  const u = process.cpuUsage(t);
  res[m].push((u.user + u.system) / N);
}
const med = (v) => [...v].sort((a, b) => a - b)[v.length >> 1];
dirs.forEach((d, m) => console.log(d, 'median', med(res[m].slice(2)).toFixed(2), 'µs per request, min', Math.min(...res[m].slice(2)).toFixed(2), 'max', Math.max(...res[m].slice(2)).toFixed(2)));
