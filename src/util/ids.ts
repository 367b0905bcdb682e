import { randomFillSync } from 'node:crypto';

/** Identifier source, injectable so tests can make ids predictable. */
export interface Ids {
  uuid(): string;
}

/**
 * Random (version 4) UUIDs from the CSPRNG, as crypto.randomUUID makes them, but cheaper per id:
 * a PutEvents of 10 entries takes 11. randomUUID spells each id by joining 16 hex pairs (~560
 * bytes of intermediate strings per id: 6 KB of a 37 KB request in the allocation profile) and
 * refills 2 KB of random bytes every 128 ids; here the hex digits of `idsPerRead` ids are written
 * into one buffer and read out as one flat string, which each id is a 36-character part of, and
 * the random bytes come 64 KB at a time. (Reading each id out of the buffer on its own was ~half
 * an id's cost: Buffer#toString's checks and the call into C++. A part is a view of the batch's
 * string, so an id kept long keeps its batch's 576 bytes alive: ids made together mostly live
 * together, the ids of one request's events and jobs.)
 */
function bufferedRandomUuids(): Ids {
  const idsPerRead = 16;
  const random = Buffer.alloc(64 * 1024);
  let next = random.length;
  const text = Buffer.from('00000000-0000-4000-8000-000000000000'.repeat(idsPerRead), 'latin1');
  // Where each of the 16 bytes' two hex digits go in the 36 characters.
  const at = [0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34];
  const hex = Buffer.from('0123456789abcdef', 'latin1');
  let batch = '';
  let taken = idsPerRead;
  const spell = (offset: number) => {
    if (next === random.length) {
      randomFillSync(random);
      next = 0;
    }
    for (let i = 0; i < 16; i++) {
      let byte = random[next + i];
      if (i === 6) byte = (byte & 0x0f) | 0x40; // version 4
      else if (i === 8) byte = (byte & 0x3f) | 0x80; // variant 10xx (RFC 9562)
      text[offset + at[i]] = hex[byte >> 4];
      text[offset + at[i] + 1] = hex[byte & 0x0f];
    }
    next += 16;
  };
  return {
    uuid() {
      if (taken === idsPerRead) {
        for (let k = 0; k < idsPerRead; k++) spell(k * 36);
        batch = text.toString('latin1');
        taken = 0;
      }
      const from = 36 * taken++;
      return batch.substring(from, from + 36);
    },
  };
}

export const randomIds: Ids = bufferedRandomUuids();
