/**
 * Query parameters of the inspection lists, checked: an unknown parameter, a repeated one, or a
 * value that cannot be right (`limit=0`, `limit=abc`, a nextToken no list gave, `status=bogus`,
 * an account that is not 12 digits ...) is a 400 with a JSON body naming the parameter, never a
 * silently different page. An empty value counts as absent (what an HTML form sends).
 */
import type { Response } from 'express';
import type { Cursor } from '../engine/delivery/pendingIndex.js';

export class BadQuery extends Error {
  constructor(
    readonly parameter: string,
    message: string,
  ) {
    super(message);
  }
}

export interface ListQuery {
  limit: number;
  /** From an offset token (short lists). */
  offset: number;
  /** From a cursor token (deliveries). */
  cursor?: Cursor;
}

export const maxPageSize = 1000;
export const defaultPageSize = 100;
export const deliveryStatuses = ['pending', 'delivered', 'dead-lettered', 'dropped'] as const;

type Check = (value: string) => string | undefined;

const text: Check = (v) => (v.length > 2048 ? 'must be at most 2048 characters' : undefined);
const arn: Check = (v) => (/^arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:\d{0,12}:.+$/.test(v) && v.length <= 2048 ? undefined : 'must be an ARN (arn:aws:<service>:<region>:<account>:<resource>)');
const account: Check = (v) => (/^\d{12}$/.test(v) ? undefined : 'must be a 12-digit account id');
const region: Check = (v) => (/^[a-z]{2}(-[a-z]+)+-\d{1,2}$/.test(v) ? undefined : 'must be a region name such as us-east-1');
const status: Check = (v) => ((deliveryStatuses as readonly string[]).includes(v) ? undefined : `must be one of ${deliveryStatuses.join(', ')}`);

/** The filters each parameter name may carry, by kind. */
export const checks = { text, arn, account, region, status } as const;

/**
 * The page parameters and the filters of one list, or BadQuery. `filters` maps each accepted
 * parameter to its check; the result holds the filters given (never a prototype key).
 */
export function parseListQuery(raw: Record<string, unknown>, filters: Record<string, Check>): { query: ListQuery; filters: Record<string, string> } {
  const given = Object.create(null) as Record<string, string>;
  let limit = defaultPageSize;
  let offset = 0;
  let cursor: Cursor | undefined;
  for (const [name, value] of Object.entries(raw)) {
    if (typeof value !== 'string') throw new BadQuery(name, `Query parameter '${name}' must be given once, as a plain value.`);
    if (name !== 'limit' && name !== 'nextToken' && !Object.hasOwn(filters, name)) {
      const known = ['limit', 'nextToken', ...Object.keys(filters)].join(', ');
      throw new BadQuery(name, `Unknown query parameter '${name}'; this list takes ${known}.`);
    }
    if (value === '') continue;
    if (name === 'limit') {
      if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > maxPageSize) throw new BadQuery('limit', `Query parameter 'limit' must be a whole number from 1 to ${maxPageSize}; got '${clip(value)}'.`);
      limit = Number(value);
    } else if (name === 'nextToken') {
      const decoded = decodeToken(value);
      if (!decoded) throw new BadQuery('nextToken', `Query parameter 'nextToken' is not a token this list gave; got '${clip(value)}'.`);
      ({ offset, cursor } = decoded);
    } else {
      const problem = filters[name](value);
      if (problem) throw new BadQuery(name, `Query parameter '${name}' ${problem}; got '${clip(value)}'.`);
      given[name] = value;
    }
  }
  return { query: { limit, offset, cursor }, filters: given };
}

function decodeToken(token: string): { offset: number; cursor?: Cursor } | undefined {
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(token)) return undefined;
  const text = Buffer.from(token, 'base64url').toString();
  const o = /^o:(\d{1,9})$/.exec(text);
  if (o && Number(o[1]) > 0) return { offset: Number(o[1]) };
  const d = /^d:(\d{1,16}):(\d{1,16})$/.exec(text);
  if (d) return { offset: 0, cursor: { createdAt: Number(d[1]), seq: Number(d[2]) } };
  return undefined;
}

const clip = (v: string) => (v.length > 100 ? `${v.slice(0, 100)}...` : v);

/** Run a list handler; a BadQuery becomes the 400. */
export function answerList(res: Response, build: () => unknown): void {
  try {
    res.json(build());
  } catch (err) {
    if (!(err instanceof BadQuery)) throw err;
    res.status(400).json({ message: err.message, parameter: err.parameter });
  }
}
