/**
 * `npm start` runs the compiled server without rebuilding (a full `tsc` took ~15 s on a busy
 * machine). So that an edit to src/ is never silently not running, start-up refuses when a
 * source file is newer than the build. Only a checkout has src/ next to dist/: an installed
 * package or the Docker image has no src/ and is never stale.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** The newest modification time (ms) of any file under `dir`, or undefined when `dir` does not exist. */
function newestMtime(dir: string): number | undefined {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return undefined;
  }
  let newest = statSync(dir).mtimeMs; // a deleted or renamed file changes its folder's time
  for (const entry of entries) {
    const path = join(dir, entry.name);
    const time = entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs;
    if (time !== undefined && time > newest) newest = time;
  }
  return newest;
}

/**
 * A one-line hint when `root`/src holds a file newer than the build's entry point
 * (`builtFile`, rewritten by every build), else undefined.
 */
export function staleBuildHint(root: string, builtFile: string): string | undefined {
  const sources = newestMtime(join(root, 'src'));
  if (sources === undefined) return undefined;
  let built: number;
  try {
    built = statSync(builtFile).mtimeMs;
  } catch {
    return undefined; // not a build of this checkout (nothing to compare)
  }
  if (sources <= built) return undefined;
  return `src/ changed since the last build: run \`npm run build\` first (or \`npm run dev\`, which builds and starts)`;
}
