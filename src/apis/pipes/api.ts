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
import { findPipes, pipeArn, pipeRecordPaths } from './state.js';

/** The pipe a call changed: none for Describe and List calls. */
function changedPipe(ns: NamespaceState, operation: string, input: Record<string, unknown>): string | undefined {
  if (operation.startsWith('Describe') || operation.startsWith('List')) return undefined;
  if (typeof input.Name === 'string') return input.Name;
  const prefix = pipeArn(ns, '');
  return typeof input.resourceArn === 'string' && input.resourceArn.startsWith(prefix) ? input.resourceArn.slice(prefix.length) : undefined;
}

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
      const hadPipes = findPipes(ns) !== undefined;
      try {
        const result = pipesOperations[operation as PipesOperation]({ ns, now: deps.clock.now(), transitionMs: deps.transitionMs, changed: deps.changed }, input);
        if (!hadPipes && findPipes(ns) !== undefined) deps.store.changed(ns, 'pipes');
        // Every operation that changes anything changes one pipe: the one it names (Name, or the resourceArn of a tag call).
        const name = changedPipe(ns, operation, input);
        if (name !== undefined) for (const path of pipeRecordPaths(ns, name)) deps.store.changed(ns, ...path);
        await deps.store.persistChanges();
        return result;
      } catch (err) {
        // A refused call may still have made the Pipes state (it rides on the next write, as the namespace does).
        if (!hadPipes && findPipes(ns) !== undefined) deps.store.changed(ns, 'pipes');
        if (!existed) deps.store.forgetIfUnchanged(ns);
        throw err;
      }
    },
  };
}
