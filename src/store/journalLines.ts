/** Reading and parsing the delivery files' lines (journal.ts): in chunks, each line checked against its seal. */
import { writeSync } from 'node:fs';
import { open, rename, rm, type FileHandle } from 'node:fs/promises';
import { applyOperation, JournalFormatError, type JournalOperation } from './deliveryRecords.js';
import { unseal } from './lineSeal.js';
import type { DeliveryData } from './schema.js';
import { enospc, type WriteFaults } from './writeFaults.js';

const readChunkBytes = 4 * 1024 * 1024;

/**
 * Call `each` for every complete line of the file (without its newline, with its byte range),
 * reading it in chunks: a journal of 100,000 jobs is ~90 MB, and holding it whole (buffer,
 * string, array of lines) at start-up would cost several times that. `each` returns false to
 * stop. Returns where the lines read end and how many bytes follow them (a torn last line).
 */
export async function forEachLine(
  path: string,
  each: (line: string, lineNo: number, start: number, end: number) => boolean,
): Promise<{ keptBytes: number; tornBytes: number }> {
  const handle = await open(path, 'r');
  try {
    let carry = Buffer.alloc(0);
    let keptBytes = 0;
    let lineNo = 0;
    const chunk = Buffer.allocUnsafe(readChunkBytes);
    for (;;) {
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, null);
      if (bytesRead === 0) break;
      const buffer = carry.length ? Buffer.concat([carry, chunk.subarray(0, bytesRead)]) : chunk.subarray(0, bytesRead);
      let start = 0;
      for (let nl = buffer.indexOf(0x0a, start); nl !== -1; nl = buffer.indexOf(0x0a, start)) {
        const lineStart = keptBytes;
        const lineEnd = keptBytes + nl + 1 - start;
        if (!each(buffer.toString('utf8', start, nl), ++lineNo, lineStart, lineEnd)) return { keptBytes, tornBytes: 0 };
        keptBytes = lineEnd;
        start = nl + 1;
      }
      carry = Buffer.from(buffer.subarray(start));
    }
    return { keptBytes, tornBytes: carry.length };
  } finally {
    await handle.close();
  }
}

export function parseJson(text: string, lineNo: number): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new JournalFormatError(`line ${lineNo} is not valid JSON (${(err as Error).message})`);
  }
}

/** A record line: sealed (this format) or plain JSON (the previous one). */
export function parseOp(line: string, legacy: boolean, lineNo: number): JournalOperation {
  if (legacy) return parseJson(line, lineNo) as JournalOperation;
  const json = unseal(line);
  if (json === undefined) throw new JournalFormatError(`line ${lineNo} fails its checksum`);
  return parseJson(json, lineNo) as JournalOperation;
}

export function apply(data: DeliveryData, op: JournalOperation, lineNo: number): void {
  try {
    applyOperation(data, op);
  } catch (err) {
    if (!(err instanceof JournalFormatError)) throw err;
    throw new JournalFormatError(`line ${lineNo} is ${err.message}`);
  }
}

export function countLines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/** Make a rename durable. Some file systems refuse fsync on a directory: then there is nothing more to do. */
export async function syncDir(dir: string): Promise<void> {
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    /* best effort */
  }
}

/**
 * Write all of `bytes` at `position`. The fault seam may cut the write short (a full disk):
 * then what it allowed is written and ENOSPC is thrown for `path`.
 */
export async function writeFully(handle: FileHandle, bytes: Buffer, position: number, path: string, faults: WriteFaults | undefined): Promise<void> {
  const allowed = allowedBytes(bytes, path, faults);
  for (let done = 0; done < allowed; ) {
    const { bytesWritten } = await handle.write(bytes, done, allowed - done, position + done);
    done += bytesWritten;
  }
  if (allowed < bytes.length) throw enospc(path);
}

/**
 * A batch up to this size is written on the event loop's thread (a journal header's `length`
 * always is): a PutEvents batch or a control-plane change is a few KB, and a pwrite of that into
 * the page cache costs less than the thread pool's round trip, which also wakes a pool thread
 * that takes a core from the event loop on a busy machine. Larger chunks (a clock advance firing
 * thousands of captures) go through the pool, so the loop is not held for long. Batches still
 * coalesce: the Store waits one loop turn before taking a batch (store.ts, schedule).
 */
export const syncWriteLimit = 64 * 1024;

/** writeFully on the calling thread (small writes: see syncWriteLimit). */
export function writeFullySync(handle: FileHandle, bytes: Buffer, position: number, path: string, faults: WriteFaults | undefined): void {
  const allowed = allowedBytes(bytes, path, faults);
  for (let done = 0; done < allowed; ) done += writeSync(handle.fd, bytes, done, allowed - done, position + done);
  if (allowed < bytes.length) throw enospc(path);
}

/** How many of `bytes` the fault seam lets reach the file (all of them without one). */
function allowedBytes(bytes: Buffer, path: string, faults: WriteFaults | undefined): number {
  const answer = faults?.beforeWrite(path, bytes.length);
  return typeof answer === 'number' ? Math.max(0, Math.min(answer, bytes.length)) : bytes.length;
}

/** Make `path` whole or not at all: `fill` writes `path`.tmp (removed if it fails), which is then renamed into place. */
export async function createViaTemp(path: string, fill: (out: FileHandle) => Promise<void>): Promise<void> {
  const temp = `${path}.tmp`;
  const out = await open(temp, 'w', 0o600);
  try {
    await fill(out);
  } catch (err) {
    await out.close();
    await rm(temp, { force: true });
    throw err;
  }
  await out.close();
  await rename(temp, path);
}
