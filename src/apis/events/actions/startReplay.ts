import { LimitExceededException, ResourceAlreadyExistsException, ValidationException } from '../../../errors.js';
import { parseArn } from '../domain/arns.js';
import { replayArn } from '../domain/archives.js';
import { getEventBus } from '../domain/eventBuses.js';
import type { ReplayRecord } from '../../../store/schema.js';
import type { Action } from './types.js';

interface Input {
  ReplayName: string;
  Description?: string;
  EventSourceArn: string;
  EventStartTime: number;
  EventEndTime: number;
  Destination: { Arn: string; FilterArns?: string[] };
}

const maxActiveReplays = 10;

export const startReplay: Action = async (ctx, input: Input) => {
  const { ns } = ctx;
  const archiveName = parseArn(input.EventSourceArn)?.resource.replace(/^archive\//, '') ?? '';
  const archive = ns.archives[archiveName];
  if (!archive || archive.arn !== input.EventSourceArn) {
    throw new ValidationException(`Parameter EventSourceArn is not valid. Reason: Archive ${archiveName} does not exist.`);
  }
  const destination = getEventBus(ns, input.Destination.Arn);
  if (destination.arn !== archive.eventSourceArn) {
    throw new ValidationException('Parameter Destination.Arn is not valid. Reason: Cross event bus replay is not permitted.');
  }
  if (input.EventEndTime <= input.EventStartTime) {
    throw new ValidationException('Parameter EventEndTime is not valid. Reason: EventStartTime must be before EventEndTime.');
  }
  // Replay names are unique in the account and region, whichever archive they replay.
  if (ns.replays[input.ReplayName]) throw new ResourceAlreadyExistsException(`Replay ${input.ReplayName} already exists.`);
  const active = Object.values(ns.replays).filter((r) => ['STARTING', 'RUNNING', 'CANCELLING'].includes(r.state));
  if (active.length >= maxActiveReplays) throw new LimitExceededException('The requested resource exceeds the maximum number allowed.');

  const replay: ReplayRecord = {
    name: input.ReplayName,
    arn: replayArn(ns, input.ReplayName),
    description: input.Description,
    eventSourceArn: archive.arn,
    archiveName: archive.name,
    destination: input.Destination,
    eventStartTime: input.EventStartTime * 1000,
    eventEndTime: input.EventEndTime * 1000,
    state: 'STARTING',
    replayStartTime: ctx.clock.now(),
    replayedCount: 0,
  };
  ns.replays[replay.name] = replay;
  ctx.store.changed(ns, 'replays', replay.name);
  await ctx.store.persistChanges();
  ctx.replays.start(ns, replay);
  return { ReplayArn: replay.arn, State: replay.state, ReplayStartTime: replay.replayStartTime / 1000 };
};
