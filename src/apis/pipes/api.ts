/**
 * The `pipes` API on the shared REST-JSON wire (src/wire/restJson.ts): its model, its
 * ValidationException (with `fieldList`), and how a validated call reaches the operations.
 */
import type { Store } from '../../store/store.js';
import type { Clock } from '../../util/clock.js';
import type { NamespaceState } from '../../store/schema.js';
import { validationSummary, type RestJsonApi } from '../../wire/restJson.js';
import { operations, shapes, type PipesOperation } from './model.generated.js';
import { pipesOperations, validation } from './operations.js';

export interface PipesApiDeps {
  store: Store;
  clock: Clock;
  transitionMs: number;
  changed: (ns: NamespaceState) => void;
}

export function pipesApi(deps: PipesApiDeps): RestJsonApi {
  return {
    service: 'pipes',
    operations,
    shapes,
    // A model pattern applies to the whole value (Matcher.matches(), as the events API's
    // validation has it): the Pipes name pattern has no anchors of its own.
    wholePatterns: true,
    validationError: (failures) => validation(validationSummary(failures), failures.slice(0, 10)),
    async invoke(operation, input, caller) {
      const existed = deps.store.findNamespace(caller.account, caller.region) !== undefined;
      const ns = deps.store.namespace(caller.account, caller.region);
      try {
        const result = pipesOperations[operation as PipesOperation]({ ns, now: deps.clock.now(), transitionMs: deps.transitionMs, changed: deps.changed }, input);
        await deps.store.persist();
        return result;
      } catch (err) {
        if (!existed) deps.store.forgetIfUnchanged(ns);
        throw err;
      }
    },
  };
}
