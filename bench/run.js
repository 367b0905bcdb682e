// npm run bench: build, then run every benchmark under bench/ in turn and print their tables.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));
const benches = [
  ['patterns', ['bench/patterns/run.mjs']],
  ['putevents', ['bench/putevents/run.mjs']],
  ['putevents latency', ['bench/putevents/latency.mjs']],
];

execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
for (const [name, args] of benches) {
  console.log(`\n## ${name}\n`);
  execFileSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
}
