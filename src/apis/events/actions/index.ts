/**
 * The operation table: AWS operation name -> action. Adding an operation means
 * adding its file and one line here; operations absent from this table answer
 * NotImplementedException naming themselves.
 */
import type { OperationName } from '../model/shapes.generated.js';
import type { Action } from './types.js';
import { createApiDestination } from './createApiDestination.js';
import { createConnection } from './createConnection.js';
import { deauthorizeConnection } from './deauthorizeConnection.js';
import { deleteApiDestination } from './deleteApiDestination.js';
import { deleteConnection } from './deleteConnection.js';
import { describeApiDestination } from './describeApiDestination.js';
import { describeConnection } from './describeConnection.js';
import { listApiDestinations } from './listApiDestinations.js';
import { listConnections } from './listConnections.js';
import { updateApiDestination } from './updateApiDestination.js';
import { updateConnection } from './updateConnection.js';
import { cancelReplay } from './cancelReplay.js';
import { createEndpoint } from './createEndpoint.js';
import { deleteEndpoint } from './deleteEndpoint.js';
import { describeEndpoint } from './describeEndpoint.js';
import { listEndpoints } from './listEndpoints.js';
import { updateEndpoint } from './updateEndpoint.js';
import { createArchive } from './createArchive.js';
import { deleteArchive } from './deleteArchive.js';
import { describeArchive } from './describeArchive.js';
import { describeReplay } from './describeReplay.js';
import { listArchives } from './listArchives.js';
import { listReplays } from './listReplays.js';
import { startReplay } from './startReplay.js';
import { updateArchive } from './updateArchive.js';
import { createEventBus } from './createEventBus.js';
import { createPartnerEventSource } from './createPartnerEventSource.js';
import { deleteEventBus } from './deleteEventBus.js';
import { deletePartnerEventSource } from './deletePartnerEventSource.js';
import { deleteRule } from './deleteRule.js';
import { describeEventBus } from './describeEventBus.js';
import { describeEventSource } from './describeEventSource.js';
import { describePartnerEventSource } from './describePartnerEventSource.js';
import { describeRule } from './describeRule.js';
import { listEventBuses } from './listEventBuses.js';
import { listEventSources } from './listEventSources.js';
import { listPartnerEventSourceAccounts } from './listPartnerEventSourceAccounts.js';
import { listPartnerEventSources } from './listPartnerEventSources.js';
import { listRuleNamesByTarget } from './listRuleNamesByTarget.js';
import { listRules } from './listRules.js';
import { listTagsForResource } from './listTagsForResource.js';
import { listTargetsByRule } from './listTargetsByRule.js';
import { putEvents } from './putEvents.js';
import { putPermission } from './putPermission.js';
import { removePermission } from './removePermission.js';
import { putPartnerEvents } from './putPartnerEvents.js';
import { putRule } from './putRule.js';
import { putTargets } from './putTargets.js';
import { removeTargets } from './removeTargets.js';
import { activateEventSource, deactivateEventSource } from './setEventSourceState.js';
import { disableRule, enableRule } from './setRuleState.js';
import { tagResource } from './tagResource.js';
import { testEventPattern } from './testEventPattern.js';
import { untagResource } from './untagResource.js';
import { updateEventBus } from './updateEventBus.js';

export const actions: Partial<Record<OperationName, Action>> = {
  CreateApiDestination: createApiDestination,
  CreateConnection: createConnection,
  DeauthorizeConnection: deauthorizeConnection,
  DeleteApiDestination: deleteApiDestination,
  DeleteConnection: deleteConnection,
  DescribeApiDestination: describeApiDestination,
  DescribeConnection: describeConnection,
  ListApiDestinations: listApiDestinations,
  ListConnections: listConnections,
  UpdateApiDestination: updateApiDestination,
  UpdateConnection: updateConnection,
  CancelReplay: cancelReplay,
  CreateEndpoint: createEndpoint,
  DeleteEndpoint: deleteEndpoint,
  DescribeEndpoint: describeEndpoint,
  ListEndpoints: listEndpoints,
  UpdateEndpoint: updateEndpoint,
  CreateArchive: createArchive,
  DeleteArchive: deleteArchive,
  DescribeArchive: describeArchive,
  DescribeReplay: describeReplay,
  ListArchives: listArchives,
  ListReplays: listReplays,
  StartReplay: startReplay,
  UpdateArchive: updateArchive,
  ActivateEventSource: activateEventSource,
  CreateEventBus: createEventBus,
  CreatePartnerEventSource: createPartnerEventSource,
  DeactivateEventSource: deactivateEventSource,
  DeleteEventBus: deleteEventBus,
  DeletePartnerEventSource: deletePartnerEventSource,
  DeleteRule: deleteRule,
  DescribeEventBus: describeEventBus,
  DescribeEventSource: describeEventSource,
  DescribePartnerEventSource: describePartnerEventSource,
  DescribeRule: describeRule,
  DisableRule: disableRule,
  EnableRule: enableRule,
  ListEventBuses: listEventBuses,
  ListEventSources: listEventSources,
  ListPartnerEventSourceAccounts: listPartnerEventSourceAccounts,
  ListPartnerEventSources: listPartnerEventSources,
  ListRuleNamesByTarget: listRuleNamesByTarget,
  ListRules: listRules,
  ListTagsForResource: listTagsForResource,
  ListTargetsByRule: listTargetsByRule,
  PutEvents: putEvents,
  PutPermission: putPermission,
  RemovePermission: removePermission,
  PutPartnerEvents: putPartnerEvents,
  PutRule: putRule,
  PutTargets: putTargets,
  RemoveTargets: removeTargets,
  TagResource: tagResource,
  TestEventPattern: testEventPattern,
  UntagResource: untagResource,
  UpdateEventBus: updateEventBus,
};
