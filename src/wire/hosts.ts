/**
 * Which `Host` and `Origin` the emulator answers as its own: loopback names, the configured
 * --host (unless a wildcard address) and --allow-host names. A DNS-rebound page sends its own
 * name in both; a foreign page's fetch sends its own Origin.
 */
const wildcardAddresses = new Set(['0.0.0.0', '::', '[::]', '']);

export interface HostPolicy {
  /** Whether a `Host` header's name (port stripped) is one the emulator answers as itself. */
  hostAllowed(hostHeader: string): boolean;
  /** Whether a browser's `Origin` is this emulator's own page (same origin as an allowed Host). */
  originAllowed(origin: string, hostHeader: string): boolean;
}

export function hostPolicy(host: string, allowedHosts: readonly string[]): HostPolicy {
  const allowed = new Set(allowedHosts.map((h) => h.toLowerCase()));
  const configured = wildcardAddresses.has(host) ? undefined : hostnameOf(host.includes(':') && !host.startsWith('[') ? `[${host}]` : host);
  const hostAllowed = (hostHeader: string) => {
    const name = hostnameOf(hostHeader);
    return allowed.has('*') || isLoopbackName(name) || name === configured || allowed.has(name);
  };
  return { hostAllowed, originAllowed: (origin, hostHeader) => hostAllowed(hostHeader) && sameOrigin(origin, hostHeader) };
}

/** `Host` without its port, lower-case; an IPv6 literal keeps its brackets. */
export function hostnameOf(host: string): string {
  const h = host.trim().toLowerCase();
  if (h.startsWith('[')) {
    const end = h.indexOf(']');
    return end < 0 ? h : h.slice(0, end + 1);
  }
  const colon = h.lastIndexOf(':');
  return colon < 0 ? h : h.slice(0, colon);
}

export function isLoopbackName(name: string): boolean {
  if (name === 'localhost' || name.endsWith('.localhost')) return true;
  if (name === '[::1]' || name === '[::ffff:127.0.0.1]') return true;
  const v4 = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(name);
  return v4 !== null && v4.slice(1).every((n) => Number(n) <= 255);
}

function sameOrigin(origin: string, host: string): boolean {
  try {
    const url = new URL(origin);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.host === new URL(`http://${host}`).host;
  } catch {
    return false;
  }
}
