/**
 * Is this parsed state.json the emulator's state? Checked at start-up, before anything reads
 * it, so a file of the wrong shape (valid JSON, but not ours, or damaged into another shape)
 * is refused with a message naming what is wrong instead of crashing somewhere later.
 * Structural: every table is an object of records, every record an object with the fields
 * the runtime indexes by (names, ARNs, a rule's targets).
 *
 * It runs on every value of a 10,000-rule file before "listening", so a check builds no path
 * text while the value is right: a failing check returns the problem, and each level it
 * returns through adds its own step of the path (`.field`, `["key"]`, `[i]`).
 */
interface Problem {
  /** Steps from the failing value up to the root, innermost first. */
  readonly steps: string[];
  readonly is: string;
}
type Check = (value: unknown) => Problem | undefined;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const problem = (is: string): Problem => ({ steps: [], is });
const within = (p: Problem, step: string): Problem => (p.steps.push(step), p);

const object: Check = (v) => (isObject(v) ? undefined : problem('is not an object'));
const count: Check = (v) => (Number.isSafeInteger(v) && (v as number) >= 0 ? undefined : problem('is not a count'));
const string: Check = (v) => (typeof v === 'string' ? undefined : problem('is not a string'));
// Indexed loops, no iterators or destructuring: this runs once, mostly before V8 optimizes it,
// and in the interpreter `for...of` over entries cost several times more than the checks.
const array =
  (item: Check): Check =>
  (v) => {
    if (!Array.isArray(v)) return problem('is not a list');
    for (let i = 0; i < v.length; i++) {
      const why = item(v[i]);
      if (why) return within(why, `[${i}]`);
    }
    return undefined;
  };
const record = (fields: Record<string, Check>, optional: Record<string, Check> = {}): Check => {
  const names = Object.keys(fields);
  const checks = names.map((name) => fields[name]);
  const optionalNames = Object.keys(optional);
  const optionalChecks = optionalNames.map((name) => optional[name]);
  return (v) => {
    if (!isObject(v)) return problem('is not an object');
    for (let i = 0; i < names.length; i++) {
      const why = checks[i](v[names[i]]);
      if (why) return within(why, `.${names[i]}`);
    }
    for (let i = 0; i < optionalNames.length; i++) {
      const value = v[optionalNames[i]];
      if (value === undefined) continue;
      const why = optionalChecks[i](value);
      if (why) return within(why, `.${optionalNames[i]}`);
    }
    return undefined;
  };
};
const tableOf =
  (item: Check): Check =>
  (v) => {
    if (!isObject(v)) return problem('is not an object');
    const keys = Object.keys(v);
    for (let i = 0; i < keys.length; i++) {
      const why = item(v[keys[i]]);
      if (why) return within(why, `[${JSON.stringify(keys[i])}]`);
    }
    return undefined;
  };

const named = record({ name: string, arn: string });
const target = record({ Id: string, Arn: string });
const rule = record({ name: string, arn: string, targets: array(target) });
const namespace = record(
  {
    account: string,
    region: string,
    eventBuses: tableOf(named),
    rules: tableOf(tableOf(rule)),
    tags: tableOf(tableOf(string)),
    archives: tableOf(object),
    replays: tableOf(object),
  },
  {
    partnerEventSources: tableOf(object),
    eventSources: tableOf(object),
    connections: tableOf(named),
    apiDestinations: tableOf(named),
    endpoints: tableOf(named),
    scheduler: object,
    pipes: object,
  },
);
const state = record(
  { namespaces: tableOf(namespace) },
  {
    healthChecks: tableOf(object),
    controlJournal: count,
    // Version 1 held the delivery side too.
    deliveries: tableOf(object),
    captures: tableOf(array(object)),
    deadLetters: tableOf(array(object)),
    archivedEvents: tableOf(array(object)),
  },
);

/** What is wrong with the parsed file, or undefined when it has the state's shape. */
export function stateShapeProblem(data: unknown): string | undefined {
  if (!isObject(data)) return `it does not hold eventbridge-local state (it holds ${data === null ? 'null' : Array.isArray(data) ? 'a list' : `a ${typeof data}`})`;
  if (typeof data.schemaVersion !== 'number') return 'it does not hold eventbridge-local state (no schemaVersion)';
  const why = state(data);
  return why ? `it does not hold eventbridge-local state (state${why.steps.reverse().join('')} ${why.is})` : undefined;
}
