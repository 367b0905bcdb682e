/**
 * The hash constructor @smithy/signature-v4 asks for (`new Sha256(secret?)`, `update`,
 * `digest`), over node:crypto: SHA-256, or HMAC-SHA256 when given a key.
 */
import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';

type Bytes = string | ArrayBuffer | ArrayBufferView;

function toBuffer(data: Bytes): Buffer {
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return Buffer.from(data);
}

export class Sha256 {
  private readonly hash: Hash | Hmac;

  // The key is not kept past the constructor (as smithy's ChecksumConstructor asks), so
  // an instance is single-use: the signer makes a new one per digest.
  constructor(secret?: Bytes) {
    this.hash = secret === undefined ? createHash('sha256') : createHmac('sha256', toBuffer(secret));
  }

  update(data: Bytes): void {
    this.hash.update(toBuffer(data));
  }

  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }

  reset(): void {
    throw new Error('Sha256 instances are single-use');
  }
}
