/**
 * What an API destination answered, as kept with the attempt for the inspection views: status,
 * headers and the first limits.attemptResponseBodyBytes of the body. An endpoint can echo what it
 * was sent, so every secret of the request (the credentials header, secret connection parameters)
 * is masked wherever it appears, as it is in the request shown; so are the cookies it sets.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { limits } from '../../limits.js';

export interface AttemptResponse {
  status: number;
  statusText?: string;
  headers: Record<string, string>;
  /** UTF-8, cut at limits.attemptResponseBodyBytes. */
  body: string;
  /** The body's size as read (the emulator reads at most 1 MiB). */
  bodyBytes: number;
  bodyTruncated: boolean;
}

const masked = '***';
const hiddenHeaders = new Set(['set-cookie', 'authorization', 'proxy-authorization', 'www-authenticate', 'proxy-authenticate']);

export function attemptResponse(status: number, statusText: string, headers: IncomingHttpHeaders, body: Buffer, secrets: readonly string[]): AttemptResponse {
  const hide = maskerOf(secrets);
  const shown = Object.create(null) as Record<string, string>;
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    shown[name] = hiddenHeaders.has(name) ? masked : hide(Array.isArray(value) ? value.join(', ') : value);
  }
  const cut = body.length > limits.attemptResponseBodyBytes;
  return {
    status,
    ...(statusText ? { statusText } : {}),
    headers: shown,
    body: hide(body.subarray(0, limits.attemptResponseBodyBytes).toString('utf8')),
    bodyBytes: body.length,
    bodyTruncated: cut,
  };
}

/** One connection's deliveries in a row have the same secrets: their masker is made once for the run. */
let lastSecrets: readonly string[] = [];
let lastMasker = maskSecrets(lastSecrets);
function maskerOf(secrets: readonly string[]): (text: string) => string {
  if (secrets.length !== lastSecrets.length || secrets.some((secret, i) => secret !== lastSecrets[i])) {
    lastMasker = maskSecrets(secrets);
    lastSecrets = [...secrets];
  }
  return lastMasker;
}

/** Replaces each secret (and, for `Basic x` / `Bearer x`, the token alone) with ***. Short values are left: they would mask ordinary text. */
function maskSecrets(secrets: readonly string[]): (text: string) => string {
  const values = new Set<string>();
  for (const secret of secrets) {
    values.add(secret);
    const token = /^(?:Basic|Bearer)\s+(.+)$/i.exec(secret)?.[1];
    if (token) values.add(token);
  }
  const list = [...values].filter((v) => v.length >= 4).sort((a, b) => b.length - a.length);
  return (text) => {
    let out = text;
    for (const v of list) if (out.includes(v)) out = out.split(v).join(masked);
    return out;
  };
}
