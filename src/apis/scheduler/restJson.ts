/**
 * The `scheduler` API on the shared REST-JSON wire (src/wire/restJson.ts): its model, its
 * ValidationException (a message only), and how a validated call reaches the operations.
 */
import type { Store } from '../../store/store.js';
import type { Clock } from '../../util/clock.js';
import type { NamespaceState } from '../../store/schema.js';
import { validationSummary, type RestJsonApi } from '../../wire/restJson.js';
import { operations, shapes, type SchedulerOperation } from './model.generated.js';
import { schedulerOperations, validation } from './operations.js';
import { findScheduler } from './state.js';

export interface SchedulerApiDeps {
  store: Store;
  clock: Clock;
  changed: (ns: NamespaceState, asOf: number, schedule?: { groupName: string; name: string }) => void;
}

export function schedulerApi(deps: SchedulerApiDeps): RestJsonApi {
  return {
    service: 'scheduler',
    operations,
    shapes,
    // Java's Matcher.matches(), as for the other APIs: the model's patterns are matched against the whole value.
    wholePatterns: true,
    validationError: (failures) => validation(validationSummary(failures)),
    async invoke(operation, input, caller) {
      const existed = deps.store.findNamespace(caller.account, caller.region) !== undefined;
      const ns = deps.store.namespace(caller.account, caller.region);
      const hadScheduler = findScheduler(ns) !== undefined;
      try {
        const saved = (...path: string[]) => deps.store.changed(ns, 'scheduler', ...path);
        const result = schedulerOperations[operation as SchedulerOperation]({ ns, now: deps.clock.now(), changed: deps.changed, saved }, input);
        // The first call of a namespace made its Scheduler state (with the default group): all of it is new.
        if (!hadScheduler && findScheduler(ns) !== undefined) deps.store.changed(ns, 'scheduler');
        await deps.store.persistChanges();
        return result;
      } catch (err) {
        // A refused call may still have made it (it rides on the next write, as the namespace does).
        if (!hadScheduler && findScheduler(ns) !== undefined) deps.store.changed(ns, 'scheduler');
        if (!existed) deps.store.forgetIfUnchanged(ns);
        throw err;
      }
    },
  };
}
