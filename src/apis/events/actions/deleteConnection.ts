import { connectionsOf, connectionStateOutput, getConnection } from '../domain/connections.js';
import { setConnectionState, syncApiDestinations } from '../domain/connectionStates.js';
import type { Action } from './types.js';

/**
 * DELETING (the recorded answer), then gone. API destinations that use it turn INACTIVE
 * (AWS does not document refusing the delete of a connection in use).
 */
export const deleteConnection: Action = async (ctx, input: { Name: string }) => {
  const conn = getConnection(ctx.ns, input.Name, 'delete');
  setConnectionState(ctx, ctx.ns, conn, 'DELETING');
  delete connectionsOf(ctx.ns)[conn.name];
  syncApiDestinations(ctx, ctx.ns);
  ctx.store.changed(ctx.ns, 'connections', conn.name);
  ctx.store.changed(ctx.ns, 'apiDestinations');
  await ctx.store.persistChanges();
  return connectionStateOutput(conn, 'DELETING');
};
