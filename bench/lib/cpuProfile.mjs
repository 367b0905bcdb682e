// A .cpuprofile read for the profile tools (bench/putevents/profileWindow.mjs, tailProfile.mjs):
// its nodes by id, each node's parent, and a key per node naming its function, file and line.
import { readFileSync } from 'node:fs';

export function readCpuProfile(file) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const keyOf = (n) => `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.split('/').slice(-2).join('/')}:${n.callFrame.lineNumber + 1}`;
  return { profile, byId, parent, keyOf };
}
