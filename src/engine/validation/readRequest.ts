/**
 * Reads a parsed JSON body into the operation's input shape, as AWS's JSON 1.1
 * deserializer does before any constraint is checked. A JSON value of the wrong kind
 * is a SerializationException; the result is the input as AWS sees it:
 * - unknown members are skipped (AWS ignores them, whatever their type);
 * - `null` members and `null` list/map elements are dropped (= absent);
 * - a fractional number for an integer is truncated (AWS accepts 1.5 as 1).
 *
 * Messages are the Coral JSON deserializer's. Evidence (no EventBridge-specific
 * capture was found; the deserializer is shared by the AWS JSON 1.1 services):
 * `STRING_VALUE can not be converted to an Integer`, `NUMBER_VALUE can not be converted
 * to a String`, `TRUE_VALUE`/`FALSE_VALUE ...`, `Start of list found where not expected`,
 * `Start of structure or map found where not expected.`, `Expected list or null`,
 * `Expected null`, truncation of decimals, nulls dropped: measured on Athena over raw
 * HTTP 2026-09-23 (third-party emulator notes, code search "Expected list or null");
 * `STRING_VALUE can not be converted to a Long` (Amazon Ads API reply);
 * `NUMBER_VALUE can not be converted to a Boolean` (SES v2); `STRING_VALUE can not be
 * converted to milliseconds since epoch` (X-Ray, observed live). A scalar top-level body
 * was measured to carry no message at all.
 */
import type { ShapeSpec } from '../../apis/events/model/shapeTypes.js';
import { SerializationException } from '../../errors.js';
import { isJsonObject, memberSpecsOf, shapeNamed } from './shapeLookup.js';

export function readRequest(body: unknown, inputShape: string): Record<string, unknown> {
  if (body === undefined || body === null) return {};
  if (Array.isArray(body)) throw new SerializationException(LIST_NOT_EXPECTED);
  if (!isJsonObject(body)) throw new SerializationException('');
  return readValue(body, shapeNamed(inputShape)) as Record<string, unknown>;
}

const LIST_NOT_EXPECTED = 'Start of list found where not expected';
const OBJECT_NOT_EXPECTED = 'Start of structure or map found where not expected.';

const SCALAR_TARGET: Readonly<Record<string, string>> = {
  string: 'a String',
  integer: 'an Integer',
  long: 'a Long',
  float: 'a Float',
  double: 'a Double',
  boolean: 'a Boolean',
  blob: 'a Blob',
  timestamp: 'milliseconds since epoch',
};

function readValue(value: unknown, shape: ShapeSpec): unknown {
  switch (shape.type) {
    case 'structure':
      if (!isJsonObject(value)) throw mismatch(value, shape);
      return readStructure(value, memberSpecsOf(shape));
    case 'list':
      if (!Array.isArray(value)) throw mismatch(value, shape);
      return readList(value, shapeNamed(shape.member));
    case 'map':
      if (!isJsonObject(value)) throw mismatch(value, shape);
      return readMap(value, shapeNamed(shape.value));
    case 'string':
    case 'blob':
      if (typeof value !== 'string') throw mismatch(value, shape);
      return value;
    case 'integer':
    case 'long':
      if (typeof value !== 'number') throw mismatch(value, shape);
      return Math.trunc(value);
    case 'boolean':
      if (typeof value !== 'boolean') throw mismatch(value, shape);
      return value;
    default:
      // float, double, timestamp (epoch seconds, as every SDK sends for JSON 1.1)
      if (typeof value !== 'number') throw mismatch(value, shape);
      return value;
  }
}

// The body is the wire's own parse, so a structure or list that reads as it is (the usual case:
// no unknown member, no null, no fraction to truncate) is returned itself, not copied: a copy is
// made only from the first member that differs (a PutEvents of 10 entries copied 11 objects).
function readStructure(value: Record<string, unknown>, members: ReadonlyMap<string, ShapeSpec>) {
  let read: Record<string, unknown> | undefined;
  // for...in, not Object.keys: no array of names per structure of every request, and the objects of
  // one body share their map, so V8 walks its enum cache. The body is JSON.parse's: a plain object,
  // nothing enumerable inherited.
  for (const name in value) {
    // A Map: a key such as `__proto__` or `toString` is just unknown (AWS ignores unknown members).
    const memberShape = members.get(name);
    const member = value[name];
    const kept = memberShape === undefined || member === null ? skipped : readValue(member, memberShape);
    if (read === undefined && kept !== member) read = copyBefore(value, name);
    if (read !== undefined && kept !== skipped) read[name] = kept;
  }
  return read ?? value;
}

/** Marks a member (or list item) that the read leaves out. */
const skipped = Symbol('skipped');

/** The members of `value` before `stop`, in their order. */
function copyBefore(value: Record<string, unknown>, stop: string): Record<string, unknown> {
  const copy: Record<string, unknown> = {};
  for (const name in value) {
    if (name === stop) break;
    copy[name] = value[name];
  }
  return copy;
}

function readList(items: unknown[], itemShape: ShapeSpec) {
  let read: unknown[] | undefined;
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    const kept = item === null ? skipped : readValue(item, itemShape);
    if (read === undefined && kept !== item) read = items.slice(0, i);
    if (read !== undefined && kept !== skipped) read.push(kept);
  }
  return read ?? items;
}

function readMap(entries: Record<string, unknown>, valueShape: ShapeSpec) {
  // No prototype: a map's keys are the caller's (InputPathsMap, HttpParameters ...), and a
  // lookup of one that is absent, such as `constructor`, must not find Object.prototype's.
  // defineProperty: a map key `__proto__` is data, and must not replace the result's prototype.
  const read = Object.create(null) as Record<string, unknown>;
  for (const [key, item] of Object.entries(entries)) {
    if (item !== null) Object.defineProperty(read, key, { value: readValue(item, valueShape), enumerable: true, writable: true, configurable: true });
  }
  return read;
}

function mismatch(value: unknown, expected: ShapeSpec): InstanceType<typeof SerializationException> {
  if (Array.isArray(value)) return new SerializationException(LIST_NOT_EXPECTED);
  if (isJsonObject(value)) return new SerializationException(OBJECT_NOT_EXPECTED);
  if (expected.type === 'list') return new SerializationException('Expected list or null');
  if (expected.type === 'structure' || expected.type === 'map') return new SerializationException('Expected null');
  return new SerializationException(`${jsonToken(value)} can not be converted to ${SCALAR_TARGET[expected.type]}`);
}

function jsonToken(value: unknown): string {
  if (typeof value === 'string') return 'STRING_VALUE';
  if (typeof value === 'number') return 'NUMBER_VALUE';
  return value === true ? 'TRUE_VALUE' : 'FALSE_VALUE';
}
