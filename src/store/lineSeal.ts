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

const hexDigits = Buffer.from('0123456789abcdef', 'latin1');

/** The most bytes sealInto writes for a JSON text of this length (3 UTF-8 bytes per UTF-16 unit, the seal, the newline). */
export const sealedRoom = (jsonLength: number) => jsonLength * 3 + sealLength + 1;

/**
 * `seal(json)` and a newline, as UTF-8 bytes into `buffer` at `offset` (which must have
 * sealedRoom(json.length) bytes free); returns where they end. The check is taken over the bytes
 * just written, the same bytes crc32 takes of the text: the line is encoded once, not once for
 * its seal and again for the file (with a join of the lines between).
 */
export function sealInto(buffer: Buffer, offset: number, json: string): number {
  const end = offset + buffer.write(json, offset);
  let crc = crc32(buffer.subarray(offset, end));
  buffer[end] = 0x20;
  for (let i = 8; i > 0; i--) {
    buffer[end + i] = hexDigits[crc & 0xf]!;
    crc >>>= 4;
  }
  buffer[end + sealLength] = 0x0a;
  return end + sealLength + 1;
}
