import { connectionStateOutput, getConnection } from '../domain/connections.js';
import { setConnectionState } from '../domain/connectionStates.js';
import type { Action } from './types.js';

/**
 * DEAUTHORIZING, then DEAUTHORIZED: "removes all authorization parameters ... removes the
 * secret from the connection, so you can reuse it" (User Guide). The answer says
 * DEAUTHORIZING, as AWS's (CLI reference example); the emulator has finished by then.
 */
export const deauthorizeConnection: Action = async (ctx, input: { Name: string }) => {
  const conn = getConnection(ctx.ns, input.Name, 'deauthorize');
  setConnectionState(ctx, ctx.ns, conn, 'DEAUTHORIZING');
  conn.authParameters = undefined;
  conn.secretArn = undefined;
  conn.oauthToken = undefined;
  conn.lastModifiedTime = ctx.clock.now();
  setConnectionState(ctx, ctx.ns, conn, 'DEAUTHORIZED');
  ctx.store.changed(ctx.ns, 'connections', conn.name);
  ctx.store.changed(ctx.ns, 'apiDestinations');
  await ctx.store.persistChanges();
  return connectionStateOutput(conn, 'DEAUTHORIZING');
};
