/**
 * The gate in front of /_eventbridge-local/* (inspection views, reset, clock, webhook
 * admin, health checks, the dashboard and its stream). These endpoints are for the user's
 * own tools on this machine, never for a web page the user happens to visit:
 *
 * - `Host` must be a loopback name (localhost, *.localhost, 127.0.0.0/8, ::1), the
 *   configured --host, or an --allow-host name: a DNS-rebound page sends its own name.
 * - `Origin`, when a browser sends one, must be this same origin: a foreign page's fetch or
 *   form post sends its own.
 * - Requests that change state (POST, PUT, DELETE) must say `Content-Type: application/json`:
 *   a browser cannot send that cross-origin without a preflight, which is never granted.
 * - An API destination of this emulator may not call them (it would reset its own host):
 *   EventBridge's `User-Agent: Amazon/EventBridge/ApiDestinations` cannot be overridden.
 * - Under --require-auth, everything but `GET /health` and the dashboard's static files
 *   (`/ui/*`, no data in them) needs `Authorization: Bearer <admin token>` or a SigV4
 *   signature with a configured key; the dashboard's stream may carry the token as `?token=`,
 *   as EventSource cannot set headers.
 */
import { timingSafeEqual } from 'node:crypto';
import express, { type NextFunction, type Request, type Response } from 'express';
import { AwsError } from '../errors.js';
import { verifySigV4, type VerifyOptions } from '../wire/sigv4Verify.js';
import { sendError } from '../wire/respond.js';
import type { Ids } from '../util/ids.js';
import { hostPolicy } from '../wire/hosts.js';

export interface AdminGuardOptions {
  /** The address the server binds (`--host`); a wildcard one names no host. */
  host: string;
  /** `--allow-host` names; `*` allows any Host. */
  allowedHosts: readonly string[];
  /** Set under --require-auth: the token and the SigV4 credentials that open the endpoints. */
  auth?: { token: string; verify: VerifyOptions };
  ids: Ids;
}

const apiDestinationAgent = 'Amazon/EventBridge/ApiDestinations';
const readOnlyMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

export function adminGuard(options: AdminGuardOptions): express.RequestHandler {
  const hosts = hostPolicy(options.host, options.allowedHosts);
  const rawBody = express.raw({ type: () => true, limit: '64kb' });

  return (req: Request, res: Response, next: NextFunction) => {
    const refuse = (err: AwsError) => sendError(res, options.ids.uuid(), err);
    const host = req.headers.host ?? '';
    if (!hosts.hostAllowed(host)) return refuse(forbidden(`Host '${host.slice(0, 128)}' is not a loopback name or an allowed host. Start the emulator with --allow-host <name> to answer it.`));
    const origin = req.headers.origin;
    if (origin !== undefined && !hosts.originAllowed(origin, host)) return refuse(forbidden(`Origin '${origin.slice(0, 128)}' is not this emulator's: its own endpoints answer no other web page.`));
    if (req.headers['user-agent']?.startsWith(apiDestinationAgent)) return refuse(forbidden("An API destination may not call the emulator's own endpoints."));
    if (!readOnlyMethods.has(req.method) && !isJson(req.headers['content-type'])) {
      return refuse(new AwsError('UnsupportedMediaTypeException', `${req.method} ${req.baseUrl}${req.path} needs Content-Type: application/json.`, 415));
    }
    if (!options.auth || isOpen(req)) return next();
    authenticate(req, res, options.auth, rawBody).then(
      (err) => (err ? refuse(err) : next()),
      (err) => (err instanceof AwsError ? refuse(err) : next(err)),
    );
  };
}

/** What stays open under --require-auth: the health check and the dashboard's static files. */
function isOpen(req: Request): boolean {
  return (req.method === 'GET' || req.method === 'HEAD') && (req.path === '/health' || req.path === '/ui' || req.path.startsWith('/ui/'));
}

async function authenticate(req: Request, res: Response, auth: NonNullable<AdminGuardOptions['auth']>, rawBody: express.RequestHandler): Promise<AwsError | undefined> {
  const header = req.headers.authorization;
  if (header?.startsWith('Bearer ')) return sameSecret(header.slice(7).trim(), auth.token) ? undefined : forbidden('The admin token is not valid.');
  const queryToken = req.path === '/stream' && typeof req.query.token === 'string' ? req.query.token : undefined;
  if (queryToken !== undefined && !header) return sameSecret(queryToken, auth.token) ? undefined : forbidden('The admin token is not valid.');
  if (!header) {
    return new AwsError(
      'MissingAuthenticationTokenException',
      'Under --require-auth /_eventbridge-local/ needs the admin token (Authorization: Bearer <token>; printed at start-up, or EVENTBRIDGE_LOCAL_ADMIN_TOKEN) or a SigV4 signature with a configured key.',
      401,
    );
  }
  // SigV4 (e.g. curl --aws-sigv4 "aws:amz:<region>:events" --user <key>:<secret>): over the raw body.
  await new Promise<void>((resolve, reject) => rawBody(req, res, (err?: unknown) => (err ? reject(err) : resolve())));
  const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
  const q = req.originalUrl.indexOf('?');
  const path = q < 0 ? req.originalUrl : req.originalUrl.slice(0, q);
  await verifySigV4({ method: req.method, path, query: q < 0 ? '' : req.originalUrl.slice(q + 1), headers: req.headers, body }, auth.verify);
  req.body = parseJsonBody(body);
  return undefined;
}

function parseJsonBody(body: Buffer): unknown {
  if (body.length === 0) return undefined;
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw new AwsError('SerializationException', 'Request body is not valid JSON.', 400);
  }
}

const forbidden = (message: string) => new AwsError('AccessDeniedException', message, 403);

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

function isJson(contentType: string | undefined): boolean {
  const type = contentType?.split(';')[0].trim().toLowerCase();
  return type === 'application/json';
}
