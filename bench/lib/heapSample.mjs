// Preloaded into a server (node --import bench/lib/heapSample.mjs ...): the first SIGUSR2 starts
// the inspector's sampling heap profiler, counting objects that minor and major GCs collected
// too (so it shows what is allocated, not only what survives); the second writes the profile to
// $HEAP_SAMPLE_OUT. bench/putevents/allocations.mjs drives it.
import { Session } from 'node:inspector';
import { writeFileSync } from 'node:fs';

const session = new Session();
session.connect();
const post = (method, params) => new Promise((resolve, reject) => session.post(method, params, (err, result) => (err ? reject(err) : resolve(result))));
let sampling = false;
process.on('SIGUSR2', async () => {
  if (!sampling) {
    sampling = true;
    await post('HeapProfiler.enable');
    await post('HeapProfiler.startSampling', { samplingInterval: 1024, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
    process.stderr.write('heap sampling started\n');
    return;
  }
  const { profile } = await post('HeapProfiler.stopSampling');
  writeFileSync(process.env.HEAP_SAMPLE_OUT, JSON.stringify(profile));
  process.stderr.write('heap sampling written\n');
});
