/**
 * IP addresses and CIDR blocks, with the reference matcher's rules: a string
 * is an address when it looks like dotted IPv4 or colon-hex IPv6 and Java's
 * address parser accepts it; addresses compare as fixed-width hex strings
 * (8 digits for IPv4, 32 for IPv6), so any spelling of an address matches.
 * An IPv4-mapped IPv6 address (::ffff:a.b.c.d in hex form) is the IPv4 address.
 */

const IPV4_SHAPE = /^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$/;
const IPV6_SHAPE = /^[0-9a-fA-F:]*:[0-9a-fA-F:]*$/;

export interface AddressRange {
  /** Inclusive bounds as uppercase hex of equal width. */
  readonly low: string;
  readonly high: string;
}

export function looksLikeIp(text: string): boolean {
  return IPV4_SHAPE.test(text) || IPV6_SHAPE.test(text);
}

/** Address bytes, or undefined if the text is not an address literal. */
export function parseIp(text: string): number[] | undefined {
  if (IPV4_SHAPE.test(text)) return parseIpv4(text);
  if (IPV6_SHAPE.test(text)) return parseIpv6(text);
  return undefined;
}

/** The address as fixed-width uppercase hex, or undefined. */
export function ipToHex(text: string): string | undefined {
  const bytes = parseIp(text);
  return bytes === undefined ? undefined : bytesToHex(bytes);
}

/** A plain pattern string that is an IP address matches that one address. */
export function singleAddressRange(text: string): AddressRange | undefined {
  const hex = ipToHex(text);
  return hex === undefined ? undefined : { low: hex, high: hex };
}

/**
 * `{"cidr": "10.0.0.0/24"}`. Throws the reference matcher's message; these
 * errors carry no JSON location in AWS's reply (they are not parser errors).
 */
export function parseCidr(cidr: string): AddressRange {
  const parts = javaSplit(cidr, '/');
  if (parts.length !== 2) throw new Error("Malformed CIDR, one '/' required");
  const maskBits = javaParseInt(parts[1]!);
  if (maskBits === undefined) throw new Error('Malformed CIDR, mask bits must be an integer');
  if (maskBits < 0) throw new Error('Malformed CIDR, mask bits must not be negative');
  const address = parts[0]!;
  if (!looksLikeIp(address)) throw new Error(`Nonstandard IP address: ${address}`);
  const bytes = parseIp(address);
  if (bytes === undefined) throw new Error(`Invalid IP address: ${address}`);
  const width = bytes.length * 8;
  // AWS rejects /32 and /128: a single address is written without a mask.
  if (bytes.length === 4 && maskBits > 31) throw new Error('IPv4 mask bits must be < 32');
  if (bytes.length === 16 && maskBits > 127) throw new Error('IPv6 mask bits must be < 128');
  const low = bytes.slice();
  const high = bytes.slice();
  for (let bit = maskBits; bit < width; bit++) {
    const mask = 0x80 >> (bit % 8);
    low[bit >> 3]! &= ~mask & 0xff;
    high[bit >> 3]! |= mask;
  }
  return { low: bytesToHex(low), high: bytesToHex(high) };
}

export function inRange(hex: string, range: AddressRange): boolean {
  return hex.length === range.low.length && hex >= range.low && hex <= range.high;
}

function parseIpv4(text: string): number[] | undefined {
  const bytes: number[] = [];
  for (const part of text.split('.')) {
    // Current JDKs reject leading zeros as ambiguous (octal?) literals.
    if (part.length > 1 && part[0] === '0') return undefined;
    if (part.length > 3) return undefined;
    const value = Number(part);
    if (value > 255) return undefined;
    bytes.push(value);
  }
  return bytes;
}

function parseIpv6(text: string): number[] | undefined {
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const head = groupsOf(halves[0]!);
  const tail = halves.length === 2 ? groupsOf(halves[1]!) : [];
  if (head === undefined || tail === undefined) return undefined;
  const explicit = head.length + tail.length;
  if (halves.length === 1 ? explicit !== 8 : explicit > 7) return undefined;
  const groups = [...head, ...new Array<number>(8 - explicit).fill(0), ...tail];
  const bytes = groups.flatMap((g) => [g >> 8, g & 0xff]);
  const mapped = bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff;
  return mapped ? bytes.slice(12) : bytes;
}

function groupsOf(section: string): number[] | undefined {
  if (section === '') return [];
  const groups: number[] = [];
  for (const group of section.split(':')) {
    if (group.length === 0 || group.length > 4) return undefined;
    groups.push(parseInt(group, 16));
  }
  return groups;
}

function bytesToHex(bytes: number[]): string {
  let hex = '';
  for (const b of bytes) hex += (b < 16 ? '0' : '') + b.toString(16);
  return hex.toUpperCase();
}

/** Java's String.split: trailing empty strings are dropped. */
function javaSplit(text: string, separator: string): string[] {
  const parts = text.split(separator);
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts.length === 0 ? [''] : parts;
}

/** Java's Integer.parseInt: optional sign, decimal digits, 32-bit range. */
function javaParseInt(text: string): number | undefined {
  if (!/^[+-]?[0-9]+$/.test(text)) return undefined;
  const value = Number(text);
  return value >= -2147483648 && value <= 2147483647 ? value : undefined;
}
