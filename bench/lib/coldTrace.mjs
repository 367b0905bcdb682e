// Preloaded into a fresh emulator by bench/putevents/coldPhase.mjs --trace (node --import .../coldTrace.mjs ...):
// what the process did when, on CLOCK_MONOTONIC, for the per-100 ms attribution of the cold tail.
// It notes each GC pause (start, duration, kind), each module loaded through require after the
// start (createRequire'd lazy packages, node's own lazily loaded internals are not seen), and the
// event-loop delay histogram per 100 ms slice. On SIGUSR2 it writes them to COLD_TRACE_FILE.
import { createRequire } from 'node:module';
import { monitorEventLoopDelay, PerformanceObserver, constants, performance } from 'node:perf_hooks';
import { renameSync, writeFileSync } from 'node:fs';

const file = process.env.COLD_TRACE_FILE;
const now = () => Number(process.hrtime.bigint()) / 1e6;
// perf_hooks' startTime is on performance.now()'s clock: the offset to CLOCK_MONOTONIC, taken once.
const offset = now() - performance.now();
const kinds = { [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor', [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major', [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental', [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weakcb' };
const gc = [];
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) gc.push([e.startTime + offset, e.duration, kinds[e.detail?.kind ?? e.kind] ?? 'other']);
}).observe({ entryTypes: ['gc'] });

const modules = [];
const Module = createRequire(import.meta.url)('node:module');
const load = Module._load;
Module._load = function (request, ...rest) {
  const t = now();
  try {
    return load.call(this, request, ...rest);
  } finally {
    modules.push([t, now() - t, request]);
  }
};

const loopDelay = [];
const delay = monitorEventLoopDelay({ resolution: 1 });
delay.enable();
setInterval(() => {
  loopDelay.push([now(), delay.max / 1e6, delay.percentile(99) / 1e6]);
  delay.reset();
}, 100).unref();

process.on('SIGUSR2', () => {
  if (!file) return;
  writeFileSync(`${file}.part`, JSON.stringify({ gc, modules, loopDelay }));
  renameSync(`${file}.part`, file);
});
