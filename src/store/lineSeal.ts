/**
 * Every line the store appends carries a CRC-32 of its JSON: `<json> <8 hex digits>`. A line
 * that was garbled at rest (a flipped byte, a block of NULs) fails its check even where the
 * damage still parses as JSON.
 */
import { crc32 } from 'node:zlib';

const sealLength = 9; // ' ' + 8 hex digits

export function seal(json: string): string {
  return `${json} ${hex(crc32(json))}`;
}

/** The JSON of a sealed line, or undefined when the line is not one or fails its check. */
export function unseal(line: string): string | undefined {
  if (line.length <= sealLength || line.charCodeAt(line.length - sealLength) !== 0x20) return undefined;
  const json = line.slice(0, line.length - sealLength);
  return line.endsWith(hex(crc32(json))) ? json : undefined;
}

function hex(n: number): string {
  return n.toString(16).padStart(8, '0');
}
