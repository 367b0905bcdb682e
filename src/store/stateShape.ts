/**
 * Is this parsed state.json the emulator's state? Checked at start-up, before anything reads
 * it, so a file of the wrong shape (valid JSON, but not ours, or damaged into another shape)
 * is refused with a message naming what is wrong instead of crashing somewhere later.
 * Structural: every table is an object of records, every record an object with the fields
 * the runtime indexes by (names, ARNs, a rule's targets).
 */
type Check = (value: unknown, path: string) => string | undefined;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const object: Check = (v, path) => (isObject(v) ? undefined : `${path} is not an object`);
const count: Check = (v, path) => (Number.isSafeInteger(v) && (v as number) >= 0 ? undefined : `${path} is not a count`);
const string: Check = (v, path) => (typeof v === 'string' ? undefined : `${path} is not a string`);
const array =
  (item: Check): Check =>
  (v, path) => {
    if (!Array.isArray(v)) return `${path} is not a list`;
    for (const [i, x] of v.entries()) {
      const why = item(x, `${path}[${i}]`);
      if (why) return why;
    }
    return undefined;
  };
const record =
  (fields: Record<string, Check>, optional: Record<string, Check> = {}): Check =>
  (v, path) => {
    if (!isObject(v)) return `${path} is not an object`;
    for (const [name, check] of Object.entries(fields)) {
      const why = check(v[name], `${path}.${name}`);
      if (why) return why;
    }
    for (const [name, check] of Object.entries(optional)) {
      if (v[name] === undefined) continue;
      const why = check(v[name], `${path}.${name}`);
      if (why) return why;
    }
    return undefined;
  };
const tableOf =
  (item: Check): Check =>
  (v, path) => {
    if (!isObject(v)) return `${path} is not an object`;
    for (const key of Object.keys(v)) {
      const why = item(v[key], `${path}[${JSON.stringify(key)}]`);
      if (why) return why;
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
  const why = state(data, 'state');
  return why ? `it does not hold eventbridge-local state (${why})` : undefined;
}
