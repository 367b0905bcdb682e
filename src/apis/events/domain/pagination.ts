import { ValidationException } from '../../../errors.js';
import { limits } from '../../../limits.js';

/**
 * Opaque NextToken paging over a list sorted by a stable key. The token carries
 * the last key returned, so deletes between pages do not skip items.
 */
export interface Page<T> {
  items: T[];
  nextToken?: string;
}

export function paginate<T>(sorted: T[], keyOf: (item: T) => string, limit: number | undefined, nextToken: string | undefined): Page<T> {
  const size = limit ?? limits.defaultPageSize;
  let start = 0;
  if (nextToken !== undefined) {
    const after = decodeToken(nextToken);
    start = sorted.findIndex((item) => keyOf(item) > after);
    if (start < 0) start = sorted.length;
  }
  const items = sorted.slice(start, start + size);
  const more = start + size < sorted.length;
  return { items, nextToken: more ? encodeToken(keyOf(items[items.length - 1])) : undefined };
}

function encodeToken(lastKey: string): string {
  return Buffer.from(JSON.stringify({ k: lastKey })).toString('base64url');
}

function decodeToken(token: string): string {
  try {
    const decoded = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (typeof decoded?.k === 'string') return decoded.k;
  } catch {
    // fall through
  }
  throw new ValidationException('The NextToken provided is invalid.');
}

export function byName<T extends { name: string }>(a: T, b: T): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}
