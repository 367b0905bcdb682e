/**
 * Checks a read request against the model's constraints and lists the violations in
 * AWS's order: members in model order, depth first; per value its length (or range),
 * then pattern, then enum - a value failing both length and pattern counts twice
 * (observed: CreateConnection's "3 validation errors detected: ... name ... length less
 * than or equal to 64; ... name ... pattern ...; ... authorizationType ... enum ...").
 * Paths: lowerCamel member names joined by `.`, list items as `<list>.<n>.member`
 * (1-based); a map's keys and values are each reported once at the map's path.
 */
import type { ListShape, MapShape, NumberShape, ShapeSpec, StringShape, StructureShape } from '../../apis/events/model/shapeTypes.js';
import { OBSERVED_ENUM_ORDER } from './awsQuirks.js';
import { compileJavaPattern } from './javaRegex.js';
import { javaToString, type RenderedValue } from './javaToString.js';
import { constraintText, violation } from './messages.js';
import { membersOf, shapeNamed } from './shapeLookup.js';

export function collectViolations(input: Record<string, unknown>, inputShape: string): string[] {
  const violations: string[] = [];
  path.length = 0;
  checkStructure(input, shapeNamed(inputShape) as StructureShape, violations);
  return violations;
}

/**
 * Where the check is, as the segments of its message path (`entries`, 3, `member`, `source`):
 * the walk is synchronous and depth first, so one stack serves every request, and a path is
 * spelled only for a value that fails (a PutEvents of 10 entries spelled 10 item paths before).
 */
const path: (string | number)[] = [];
const at = (): string => path.join('.');

function check(value: unknown, shapeName: string, out: string[]): void {
  const shape = shapeNamed(shapeName);
  switch (shape.type) {
    case 'structure':
      return checkStructure(value as Record<string, unknown>, shape, out);
    case 'list':
      return checkList(value as unknown[], shapeName, shape, out);
    case 'map':
      return checkMap(value as Record<string, unknown>, shapeName, shape, out);
    default: {
      const failed = scalarFailures(value, shapeName, shape);
      for (const constraint of failed) out.push(violation(at(), javaToString(value, shapeName), constraint));
    }
  }
}

function checkStructure(value: Record<string, unknown>, shape: StructureShape, out: string[]) {
  for (const member of membersOf(shape)) {
    const memberValue = value[member.name];
    if (memberValue === undefined) {
      if (member.required) failedAt(member.messageName, null, [constraintText.notNull], out);
      continue;
    }
    const memberShape = member.spec;
    if (isAggregate(memberShape)) {
      path.push(member.messageName);
      check(memberValue, member.shape, out);
      path.pop();
      continue;
    }
    // A scalar (most members): its path is spelled only when it fails.
    const failed = scalarFailures(memberValue, member.shape, memberShape);
    if (failed.length > 0) failedAt(member.messageName, javaToString(memberValue, member.shape), failed, out);
  }
}

function failedAt(memberName: string, rendered: RenderedValue | null, constraints: string[], out: string[]): void {
  path.push(memberName);
  const where = at();
  path.pop();
  for (const constraint of constraints) out.push(violation(where, rendered, constraint));
}

const isAggregate = (shape: ShapeSpec) => shape.type === 'structure' || shape.type === 'list' || shape.type === 'map';

function checkList(items: unknown[], shapeName: string, shape: ListShape, out: string[]) {
  const lengthFailure = sizeFailure(items.length, shape);
  if (lengthFailure) out.push(violation(at(), javaToString(items, shapeName), lengthFailure));
  const itemShape = shapeNamed(shape.member);
  const scalarItems = !isAggregate(itemShape);
  for (let index = 0; index < items.length; index++) {
    // As for structure members: a valid scalar item is not visited.
    if (scalarItems && scalarFailures(items[index], shape.member, itemShape).length === 0) continue;
    path.push(index + 1, 'member');
    check(items[index], shape.member, out);
    // Two pops, not `length -= 2`: the length setter is a slow builtin call (profile: ~1 % of ingest's CPU).
    path.pop();
    path.pop();
  }
}

function checkMap(entries: Record<string, unknown>, shapeName: string, shape: MapShape, out: string[]) {
  const keys = Object.keys(entries);
  const rendered = () => javaToString(entries, shapeName);
  const lengthFailure = sizeFailure(keys.length, shape);
  if (lengthFailure) out.push(violation(at(), rendered(), lengthFailure));
  if (keys.some((key) => scalarFailures(key, shape.key, shapeNamed(shape.key)).length > 0)) {
    out.push(violation(at(), rendered(), constraintText.mapKeys(allConstraints(shape.key))));
  }
  const valueShape = shapeNamed(shape.value);
  if (isAggregate(valueShape)) {
    // Unobserved: the events model has only string-to-string maps.
    for (const key of keys) {
      path.push(key);
      check(entries[key], shape.value, out);
      path.pop();
    }
  } else if (keys.some((key) => scalarFailures(entries[key], shape.value, valueShape).length > 0)) {
    out.push(violation(at(), rendered(), constraintText.mapValues(allConstraints(shape.value))));
  }
}

/** The constraint texts a scalar value fails, in AWS's order. */
function scalarFailures(value: unknown, shapeName: string, shape: ShapeSpec): string[] {
  if (shape.type === 'string') return stringFailures(value as string, shapeName, shape);
  if (isNumberShape(shape)) {
    const number = value as number;
    if (shape.min !== undefined && number < shape.min) return [constraintText.minValue(shape.min)];
    if (shape.max !== undefined && number > shape.max) return [constraintText.maxValue(shape.max)];
  }
  return none;
}

/** What a value that fails nothing fails (shared: the valid case allocates no list; callers only read it). */
const none: string[] = [];

function stringFailures(text: string, shapeName: string, shape: StringShape): string[] {
  let failures = none;
  if (shape.min !== undefined || shape.max !== undefined) {
    const lengthFailure = sizeFailure(codePointLength(text), shape);
    if (lengthFailure) failures = [lengthFailure];
  }
  if (shape.pattern !== undefined && !compiledPattern(shapeName, shape.pattern).test(text)) {
    failures = [...failures, constraintText.pattern(shape.pattern)];
  }
  if (shape.enum !== undefined && !shape.enum.includes(text)) {
    failures = [...failures, constraintText.enumSet(OBSERVED_ENUM_ORDER[shapeName] ?? shape.enum)];
  }
  return failures;
}

function isNumberShape(shape: ShapeSpec): shape is NumberShape {
  return shape.type === 'integer' || shape.type === 'long' || shape.type === 'float' || shape.type === 'double';
}

function sizeFailure(size: number, bounds: { min?: number; max?: number }): string | undefined {
  if (bounds.min !== undefined && size < bounds.min) return constraintText.minLength(bounds.min);
  if (bounds.max !== undefined && size > bounds.max) return constraintText.maxLength(bounds.max);
  return undefined;
}

/**
 * Every constraint of a map's key or value shape, in the order AWS lists them:
 * observed `[Member must have length less than or equal to 256, Member must have length
 * greater than or equal to 1, Member must satisfy regular expression pattern: ...]`.
 */
function allConstraints(shapeName: string): string[] {
  const shape = shapeNamed(shapeName);
  const listed: string[] = [];
  if (shape.type === 'string') {
    if (shape.max !== undefined) listed.push(constraintText.maxLength(shape.max));
    if (shape.min !== undefined) listed.push(constraintText.minLength(shape.min));
    if (shape.pattern !== undefined) listed.push(constraintText.pattern(shape.pattern));
    if (shape.enum !== undefined) listed.push(constraintText.enumSet(OBSERVED_ENUM_ORDER[shapeName] ?? shape.enum));
  } else if (isNumberShape(shape)) {
    if (shape.max !== undefined) listed.push(constraintText.maxValue(shape.max));
    if (shape.min !== undefined) listed.push(constraintText.minValue(shape.min));
  }
  return listed;
}

/**
 * Smithy defines a string's length as its count of Unicode code points; AWS's exact
 * rule for astral characters was not observed.
 */
function codePointLength(text: string): number {
  let length = text.length;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        length--;
        i++;
      }
    }
  }
  return length;
}

/**
 * The model's patterns, each compiled on first use (not when the module loads: compiling all
 * of them was part of every start-up before "listening", for shapes most runs never check).
 */
const compiledPatterns = new Map<string, RegExp>();
function compiledPattern(shapeName: string, pattern: string): RegExp {
  let re = compiledPatterns.get(shapeName);
  if (re === undefined) {
    re = compileJavaPattern(pattern);
    compiledPatterns.set(shapeName, re);
  }
  return re;
}
