/**
 * A seam in the store's file writers, for tests: called before each write of a store file
 * (journal batch chunk, journal header, state.json). It may throw (the write fails before a
 * byte is written) or return how many of the `bytes` reach the file before the write fails
 * with ENOSPC, as a full disk does.
 */
export interface WriteFaults {
  beforeWrite(file: string, bytes: number): number | void;
  /** Called before the control-plane journal cuts a file back (truncate); it may throw: the cut fails. */
  beforeTruncate?(file: string): void;
}

export function enospc(file: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`ENOSPC: no space left on device, write '${file}'`), { code: 'ENOSPC', errno: -28, syscall: 'write', path: file });
}
