/**
 * The 10 Pipes operations over the namespace's Pipes state. Input arrives validated against the
 * generated shapes (src/wire/restJson.ts); these check what the shapes cannot. A pipe's state
 * moves on the (virtual) clock: each operation puts it in a transitional state that ends
 * `transitionMs` later (lifecycle.ts), as AWS answers CREATING/UPDATING/... and gets there later.
 */
import { AwsError } from '../../errors.js';
import { table, type NamespaceState } from '../../store/schema.js';
import { RestJsonError, type ValidationFailure } from '../../wire/restJson.js';
import { compilePattern } from '../../engine/patterns/index.js';
import type { PipesOperation } from './model.generated.js';
import { desiredStateOf, filtersOf, pipeArn, pipesOf, transitional, type PipeRecord, type PipeState, type PipesState } from './state.js';

export interface PipesContext {
  ns: NamespaceState;
  now: number;
  /** How long a transitional state lasts (ms of the emulator's clock). */
  transitionMs: number;
  /** Called after any change to pipes, so the lifecycle arms its timers and the runner (re)starts. */
  changed: (ns: NamespaceState) => void;
}

type Input = Record<string, unknown>;
type Operation = (ctx: PipesContext, input: Input) => object;

/** Pipes' ValidationException carries the failing fields (`fieldList: [{name, message}]`). */
export function validation(message: string, fields: ValidationFailure[] = []): AwsError {
  return new RestJsonError('ValidationException', message, 400, { fieldList: fields.map((f) => ({ name: f.path, message: f.message })) });
}
const notFound = (name: string) => new RestJsonError('NotFoundException', `Pipe ${name} does not exist.`, 404, {});
const conflict = (message: string, name: string) => new RestJsonError('ConflictException', message, 409, { resourceId: name, resourceType: 'pipe' });

const seconds = (ms: number) => ms / 1000;
const specKeys = ['Description', 'DesiredState', 'Source', 'SourceParameters', 'Enrichment', 'EnrichmentParameters', 'Target', 'TargetParameters', 'RoleArn', 'LogConfiguration', 'KmsKeyIdentifier'] as const;
/** UpdatePipe replaces these objects' members (FilterCriteria, SqsQueueParameters ...) whole, and keeps the rest. */
const parameterKeys = new Set(['SourceParameters', 'EnrichmentParameters', 'TargetParameters']);

function pipe(state: PipesState, name: string): PipeRecord {
  const p = state.pipes[name];
  if (!p) throw notFound(name);
  return p;
}

/** What the shapes cannot say: each FilterCriteria pattern (up to 5, from the model) is an event pattern. */
function checkSpec(spec: Record<string, unknown>): void {
  filtersOf(spec).forEach((pattern, i) => {
    try {
      compilePattern(pattern);
    } catch (err) {
      const reason = (err as Error).message.split('\n at [Source:')[0];
      throw validation(reason, [{ path: `sourceParameters.filterCriteria.filters.${i + 1}.member.pattern`, message: reason }]);
    }
  });
}

/** The state a request moves the pipe into, and when that state ends. */
function enter(p: PipeRecord, state: PipeState, ctx: PipesContext): void {
  p.currentState = state;
  delete p.stateReason;
  p.transitionAt = ctx.now + ctx.transitionMs;
}

function refuseWhileTransitioning(p: PipeRecord): void {
  if (transitional.has(p.currentState)) throw conflict(`Pipe ${p.name} is in state ${p.currentState}; wait until the operation in progress completes.`, p.name);
}

function summary(p: PipeRecord) {
  return { Arn: p.arn, Name: p.name, DesiredState: desiredStateOf(p), CurrentState: p.currentState, CreationTime: seconds(p.creationTime), LastModifiedTime: seconds(p.lastModifiedTime) };
}

function tagsOf(map: unknown): Record<string, string> {
  return table<string>((map as Record<string, string> | undefined) ?? {});
}

function tagged(ctx: PipesContext, state: PipesState, arn: string): PipeRecord {
  const prefix = pipeArn(ctx.ns, '');
  const p = arn.startsWith(prefix) ? state.pipes[arn.slice(prefix.length)] : undefined;
  if (!p) throw new RestJsonError('NotFoundException', `Resource ${arn} does not exist.`, 404, {});
  return p;
}

/** Pages over names in order; the token is the last name returned (opaque to the caller). */
function page(items: PipeRecord[], input: Input): { items: PipeRecord[]; next?: string } {
  const sorted = items.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  let start = 0;
  if (typeof input.NextToken === 'string') {
    const after = Buffer.from(input.NextToken, 'base64url').toString('utf8');
    start = sorted.findIndex((i) => i.name > after);
    if (start < 0) start = sorted.length;
  }
  const max = typeof input.Limit === 'number' ? input.Limit : 100;
  const slice = sorted.slice(start, start + max);
  const more = start + max < sorted.length;
  return { items: slice, next: more ? Buffer.from(slice[slice.length - 1].name, 'utf8').toString('base64url') : undefined };
}

/** StartPipe / StopPipe: the new DesiredState, reached through its transition. */
function desire(ctx: PipesContext, input: Input, desired: 'RUNNING' | 'STOPPED', transition: 'STARTING' | 'STOPPING') {
  const p = pipe(pipesOf(ctx.ns), String(input.Name));
  refuseWhileTransitioning(p);
  p.spec.DesiredState = desired;
  p.lastModifiedTime = ctx.now;
  enter(p, transition, ctx);
  ctx.changed(ctx.ns);
  return summary(p);
}

export const pipesOperations: Record<PipesOperation, Operation> = {
  CreatePipe(ctx, input) {
    const state = pipesOf(ctx.ns);
    const name = String(input.Name);
    if (state.pipes[name]) throw conflict(`Pipe ${name} already exists.`, name);
    const spec: Record<string, unknown> = table();
    for (const key of specKeys) if (input[key] !== undefined) spec[key] = input[key];
    checkSpec(spec);
    const p: PipeRecord = { name, arn: pipeArn(ctx.ns, name), spec, currentState: 'CREATING', creationTime: ctx.now, lastModifiedTime: ctx.now };
    enter(p, 'CREATING', ctx);
    state.pipes[name] = p;
    state.tags[p.arn] = tagsOf(input.Tags);
    ctx.changed(ctx.ns);
    return summary(p);
  },
  UpdatePipe(ctx, input) {
    const state = pipesOf(ctx.ns);
    const p = pipe(state, String(input.Name));
    refuseWhileTransitioning(p);
    const spec: Record<string, unknown> = table(p.spec);
    for (const key of specKeys) {
      const value = input[key];
      if (value === undefined) continue;
      if (parameterKeys.has(key)) spec[key] = Object.assign(table(), spec[key] as Input | undefined, value as Input);
      else spec[key] = value;
    }
    // An empty Enrichment removes the enrichment step (the model's pattern allows "").
    if (spec.Enrichment === '') {
      delete spec.Enrichment;
      delete spec.EnrichmentParameters;
    }
    checkSpec(spec);
    p.spec = spec;
    p.lastModifiedTime = ctx.now;
    enter(p, 'UPDATING', ctx);
    ctx.changed(ctx.ns);
    return summary(p);
  },
  DescribePipe(ctx, input) {
    const state = pipesOf(ctx.ns);
    const p = pipe(state, String(input.Name));
    return {
      ...p.spec,
      Arn: p.arn,
      Name: p.name,
      DesiredState: desiredStateOf(p),
      CurrentState: p.currentState,
      ...(p.stateReason !== undefined ? { StateReason: p.stateReason } : {}),
      Tags: { ...state.tags[p.arn] },
      CreationTime: seconds(p.creationTime),
      LastModifiedTime: seconds(p.lastModifiedTime),
    };
  },
  DeletePipe(ctx, input) {
    const state = pipesOf(ctx.ns);
    const p = pipe(state, String(input.Name));
    if (p.currentState === 'DELETING') throw conflict(`Pipe ${p.name} is already being deleted.`, p.name);
    enter(p, 'DELETING', ctx);
    ctx.changed(ctx.ns);
    return summary(p);
  },
  StartPipe: (ctx, input) => desire(ctx, input, 'RUNNING', 'STARTING'),
  StopPipe: (ctx, input) => desire(ctx, input, 'STOPPED', 'STOPPING'),
  ListPipes(ctx, input) {
    const state = pipesOf(ctx.ns);
    const str = (key: string) => (typeof input[key] === 'string' ? (input[key] as string) : undefined);
    const [namePrefix, sourcePrefix, targetPrefix] = [str('NamePrefix'), str('SourcePrefix'), str('TargetPrefix')];
    const matching = Object.values(state.pipes).filter(
      (p) =>
        (namePrefix === undefined || p.name.startsWith(namePrefix)) &&
        (sourcePrefix === undefined || String(p.spec.Source).startsWith(sourcePrefix)) &&
        (targetPrefix === undefined || String(p.spec.Target).startsWith(targetPrefix)) &&
        (input.DesiredState === undefined || desiredStateOf(p) === input.DesiredState) &&
        (input.CurrentState === undefined || p.currentState === input.CurrentState),
    );
    const { items, next } = page(matching, input);
    return {
      Pipes: items.map((p) => ({
        ...summary(p),
        ...(p.stateReason !== undefined ? { StateReason: p.stateReason } : {}),
        Source: p.spec.Source,
        Target: p.spec.Target,
        ...(p.spec.Enrichment !== undefined ? { Enrichment: p.spec.Enrichment } : {}),
      })),
      ...(next ? { NextToken: next } : {}),
    };
  },
  TagResource(ctx, input) {
    const state = pipesOf(ctx.ns);
    const p = tagged(ctx, state, String(input.resourceArn));
    const merged = Object.assign(table<string>(), state.tags[p.arn], tagsOf(input.tags));
    if (Object.keys(merged).length > 50) throw validation('A pipe can have at most 50 tags.', [{ path: 'tags', message: 'Too many tags' }]);
    state.tags[p.arn] = merged;
    return {};
  },
  UntagResource(ctx, input) {
    const state = pipesOf(ctx.ns);
    const p = tagged(ctx, state, String(input.resourceArn));
    for (const key of input.tagKeys as string[]) delete state.tags[p.arn]?.[key];
    return {};
  },
  ListTagsForResource(ctx, input) {
    const state = pipesOf(ctx.ns);
    const p = tagged(ctx, state, String(input.resourceArn));
    return { tags: { ...state.tags[p.arn] } };
  },
};
