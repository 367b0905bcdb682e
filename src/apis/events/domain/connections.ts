import { limits } from '../../../limits.js';
/**
 * Connections: ARNs, lookups and the wire forms (which never carry a secret).
 * Sources: aws-facts §3 and §6, the LocalStack snapshots recorded on AWS (what Create,
 * Describe, List and Delete answer), the User Guide's connection pages (spec 000).
 */
import { LimitExceededException, ResourceAlreadyExistsException, ResourceNotFoundException } from '../../../errors.js';
import type { ConnectionRecord, NamespaceState } from '../../../store/schema.js';
import type { Ids } from '../../../util/ids.js';
import { parseArn } from './arns.js';
import { rememberLast } from '../../../util/rememberLast.js';
import { authParametersToWire } from './connectionParameters.js';
import { toEpochSeconds } from './time.js';
import { table } from '../../../store/schema.js';

/** Quota "Connections" per account and Region (L-595D6D42), default 3,000. */
export const connectionsPerAccount = limits.connectionsPerAccount;

// Namespaces read from a state file written before connections existed lack the map.
export const connectionsOf = (ns: NamespaceState): Record<string, ConnectionRecord> => (ns.connections ??= table());

export function connectionArn(region: string, account: string, name: string, uuid: string): string {
  return `arn:aws:events:${region}:${account}:connection/${name}/${uuid}`;
}

/**
 * The Secrets Manager secret AWS creates for the parameters: named
 * `events!connection/<name>/<uuid>` (its own uuid, not the connection's), and, as every
 * secret ARN, followed by `-` and 6 random characters (recorded on AWS, aws-facts §3).
 */
export function newSecretArn(ns: Pick<NamespaceState, 'account' | 'region'>, name: string, ids: Ids): string {
  const suffix = BigInt('0x' + ids.uuid().replace(/-/g, '').slice(0, 12))
    .toString(36)
    .padStart(6, '0')
    .slice(-6);
  return `arn:aws:secretsmanager:${ns.region}:${ns.account}:secret:events!connection/${name}/${ids.uuid()}-${suffix}`;
}

/**
 * The VPC Lattice resource association AWS creates for a private connection (Describe
 * returns its ARN). Derived from the connection's uuid so it is stable across reads.
 */
export function resourceAssociationArn(conn: ConnectionRecord): string {
  const arn = parseArn(conn.arn)!;
  const id = conn.arn.slice(conn.arn.lastIndexOf('/') + 1).replace(/-/g, '').slice(0, 17);
  return `arn:aws:vpc-lattice:${arn.region}:${arn.account}:servicenetworkresourceassociation/snra-${id}`;
}

/** AWS words it "Failed to describe the connection(s)" (recorded); the verb follows the operation. */
export const connectionNotFound = (name: string, verb = 'describe') =>
  new ResourceNotFoundException(`Failed to ${verb} the connection(s). Connection '${name}' does not exist.`);

export function getConnection(ns: NamespaceState, name: string, verb = 'describe'): ConnectionRecord {
  const conn = connectionsOf(ns)[name];
  if (!conn) throw connectionNotFound(name, verb);
  return conn;
}

/** The connection an ARN names in this namespace; the uuid must match (a re-created connection is another one). */
export function findConnectionByArn(ns: NamespaceState, arn: string): ConnectionRecord | undefined {
  const name = connectionNameOf(arn);
  const conn = name === undefined ? undefined : ns.connections?.[name];
  return conn?.arn === arn ? conn : undefined;
}

/** The name in a connection's ARN (remembered for the last ARN: each delivery to an API destination looks its connection up). */
export const connectionNameOf = rememberLast((arn: string): string | undefined => {
  const resource = parseArn(arn)?.resource;
  return resource?.startsWith('connection/') ? resource.split('/')[1] : undefined;
});

export function checkConnectionCanBeCreated(ns: NamespaceState, name: string): void {
  const all = connectionsOf(ns);
  if (all[name]) throw new ResourceAlreadyExistsException(`Connection ${name} already exists.`);
  if (Object.keys(all).length >= connectionsPerAccount) {
    throw new LimitExceededException('The requested resource exceeds the maximum number allowed.');
  }
}

/** DescribeConnection. */
export function connectionToWire(conn: ConnectionRecord) {
  return {
    ConnectionArn: conn.arn,
    Name: conn.name,
    Description: conn.description,
    InvocationConnectivityParameters: conn.invocationConnectivityParameters && {
      ResourceParameters: { ...conn.invocationConnectivityParameters.ResourceParameters, ResourceAssociationArn: resourceAssociationArn(conn) },
    },
    ConnectionState: conn.state,
    StateReason: conn.stateReason,
    AuthorizationType: conn.authorizationType,
    SecretArn: conn.secretArn,
    KmsKeyIdentifier: conn.kmsKeyIdentifier,
    AuthParameters: authParametersToWire(conn.authParameters, resourceAssociationArn(conn)),
    CreationTime: toEpochSeconds(conn.creationTime),
    LastModifiedTime: toEpochSeconds(conn.lastModifiedTime),
    LastAuthorizedTime: conn.lastAuthorizedTime === undefined ? undefined : toEpochSeconds(conn.lastAuthorizedTime),
  };
}

/** A ListConnections item (recorded: no Description, SecretArn or parameters). */
export function connectionSummary(conn: ConnectionRecord) {
  const { ConnectionArn, Name, ConnectionState, StateReason, AuthorizationType, CreationTime, LastModifiedTime, LastAuthorizedTime } = connectionToWire(conn);
  return { ConnectionArn, Name, ConnectionState, StateReason, AuthorizationType, CreationTime, LastModifiedTime, LastAuthorizedTime };
}

/** What Update, Deauthorize and Delete answer, with the state to report. */
export function connectionStateOutput(conn: ConnectionRecord, state = conn.state) {
  const { ConnectionArn, CreationTime, LastModifiedTime, LastAuthorizedTime } = connectionToWire(conn);
  return { ConnectionArn, ConnectionState: state, CreationTime, LastModifiedTime, LastAuthorizedTime };
}
