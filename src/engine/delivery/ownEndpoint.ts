/**
 * Is this URL the emulator itself? An API destination pointing back at the emulator turns each
 * delivery into a new PutEvents (or webhook, or admin call) with a new event id, which no loop
 * guard can follow: such a destination is not invoked (issue 18 item 10). "Itself" is the
 * listening port on a name or address of this machine.
 */
import { hostname, networkInterfaces } from 'node:os';
import { rememberLast } from '../../util/rememberLast.js';

export function ownEndpointCheck(listening: () => { host: string; port: number } | undefined): (url: string) => boolean {
  return (url) => {
    const self = listening();
    if (!self) return false;
    const parsed = hostAndPort(url);
    return parsed !== undefined && parsed.port === self.port && isThisMachine(parsed.host, self.host);
  };
}

/** Asked per delivery, mostly for the same endpoint again: parsed once for a run of them. */
const hostAndPort = rememberLast((url: string): { host: string; port: number } | undefined => {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  return { host: parsed.hostname.replace(/^\[|\]$/g, '').toLowerCase(), port: Number(parsed.port || (parsed.protocol === 'https:' ? 443 : 80)) };
});

function isThisMachine(host: string, listeningHost: string): boolean {
  if (host === 'localhost' || host.endsWith('.localhost') || host === listeningHost.toLowerCase()) return true;
  if (/^127\./.test(host) || host === '::1' || host === '0.0.0.0' || host === '::' || host === hostname().toLowerCase()) return true;
  if (host.startsWith('::ffff:')) return isThisMachine(host.slice('::ffff:'.length), listeningHost);
  for (const addresses of Object.values(networkInterfaces())) {
    for (const a of addresses ?? []) if (a.address.toLowerCase() === host) return true;
  }
  return false;
}
