// Preloaded into a server the latency bench measures (node --import .../loopStats.mjs ...): what
// stalled its event loop. On SIGUSR2 it writes, to the file named by LOOP_STATS_FILE, the event-loop
// delay (perf_hooks monitorEventLoopDelay, 1 ms resolution) and the GC pauses (PerformanceObserver
// 'gc' entries) since the previous signal, then starts over. Nothing else in the process changes.
import { monitorEventLoopDelay, PerformanceObserver, constants } from 'node:perf_hooks';
import { renameSync, writeFileSync } from 'node:fs';

const file = process.env.LOOP_STATS_FILE;
const delay = monitorEventLoopDelay({ resolution: 1 });
delay.enable();
let gc = [];
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) gc.push([e.detail?.kind ?? e.kind, e.duration]);
}).observe({ entryTypes: ['gc'] });
const kinds = { [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor', [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major', [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental', [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weakcb' };
process.on('SIGUSR2', () => {
  const byKind = {};
  for (const [kind, ms] of gc) {
    const k = (byKind[kinds[kind] ?? kind] ??= { count: 0, totalMs: 0, maxMs: 0 });
    k.count++;
    k.totalMs += ms;
    k.maxMs = Math.max(k.maxMs, ms);
  }
  const ms = (ns) => ns / 1e6;
  const stats = { loopDelay: { p50: ms(delay.percentile(50)), p99: ms(delay.percentile(99)), max: ms(delay.max) }, gc: byKind };
  // Written aside, then renamed: the bench reads the file as soon as it exists (a loaded machine caught it half written).
  if (file) {
    writeFileSync(`${file}.part`, JSON.stringify(stats));
    renameSync(`${file}.part`, file);
  }
  delay.reset();
  gc = [];
});
