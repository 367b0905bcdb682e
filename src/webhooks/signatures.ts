/**
 * The providers' documented request signatures (pure).
 *
 * GitHub ("Validating webhook deliveries"): `X-Hub-Signature-256: sha256=<hex>`, the
 * HMAC-SHA256 of the raw request body keyed with the webhook secret.
 *
 * Twilio ("Webhooks security"): `X-Twilio-Signature: <base64>`, the HMAC-SHA1, keyed with
 * the auth token, of the full URL Twilio requested (scheme, host, path and query string)
 * followed by every POST parameter as name + value with no separators, sorted by name.
 * For a JSON body Twilio adds a `bodySHA256` query parameter (hex SHA-256 of the body)
 * and signs the URL alone.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export function githubSignature(secret: string, body: Buffer): string {
  return 'sha256=' + createHmac('sha256', secret).update(body).digest('hex');
}

/** Params as received, in any order; a repeated name contributes each of its values, sorted. */
export function twilioSignature(authToken: string, url: string, params: Array<[string, string]>): string {
  const sorted = [...params].sort(([ka, va], [kb, vb]) => (ka < kb ? -1 : ka > kb ? 1 : va < vb ? -1 : va > vb ? 1 : 0));
  const signed = sorted.reduce((text, [name, value]) => text + name + value, url);
  return createHmac('sha1', authToken).update(signed, 'utf8').digest('base64');
}

export function sha256Hex(body: Buffer): string {
  return createHash('sha256').update(body).digest('hex');
}

/** Constant-time comparison, so a caller cannot learn the expected signature byte by byte. */
export function signaturesEqual(received: string | undefined, expected: string): boolean {
  if (received === undefined) return false;
  const a = Buffer.from(received, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}
