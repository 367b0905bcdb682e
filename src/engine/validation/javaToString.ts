/**
 * AWS prints a failing value as its Java object's toString(): lists as `[a, b]`,
 * maps as `{k=v, k2=v2}` in java.util.HashMap iteration order, structures as
 * `ShapeName(member=value, other=null)`. This reproduces that text for a request value
 * (already type-checked), and says whether it holds anything the model marks sensitive.
 */
import { HIDDEN_TOSTRING_MEMBERS } from './awsQuirks.js';
import { messageName, shapeNamed } from './shapeLookup.js';

export interface RenderedValue {
  readonly text: string;
  /** True when the value is, or contains, a sensitive value: AWS then omits it. */
  readonly sensitive: boolean;
}

export function javaToString(value: unknown, shapeName: string): RenderedValue {
  const found = { sensitive: false };
  const text = render(value, shapeName, found);
  return { text, sensitive: found.sensitive };
}

function render(value: unknown, shapeName: string, found: { sensitive: boolean }): string {
  if (value === undefined || value === null) return 'null';
  const shape = shapeNamed(shapeName);
  if ('sensitive' in shape && shape.sensitive) found.sensitive = true;
  switch (shape.type) {
    case 'structure': {
      const record = value as Record<string, unknown>;
      const fields = Object.entries(shape.members).map(
        ([member, memberShape]) => `${messageName(member)}=${render(record[member], memberShape, found)}`,
      );
      for (const hidden of HIDDEN_TOSTRING_MEMBERS[shapeName] ?? []) fields.push(`${hidden}=null`);
      return `${shapeName}(${fields.join(', ')})`;
    }
    case 'list':
      return `[${(value as unknown[]).map((item) => render(item, shape.member, found)).join(', ')}]`;
    case 'map': {
      const record = value as Record<string, unknown>;
      const entries = javaHashMapOrder(Object.keys(record)).map(
        (key) => `${render(key, shape.key, found)}=${render(record[key], shape.value, found)}`,
      );
      return `{${entries.join(', ')}}`;
    }
    case 'integer':
    case 'long':
      return formatJavaInteger(value as number);
    case 'float':
    case 'double':
      return formatJavaDouble(value as number);
    case 'timestamp':
      return formatJavaDate(value as number);
    default:
      return String(value);
  }
}

/**
 * Orders keys as a java.util.HashMap built by successive put()s iterates them:
 * by bucket (String.hashCode, spread, masked by a power-of-two capacity that doubles
 * past 75% load), then insertion order within a bucket. Observed to match AWS's
 * `{de onde?=..., Quem foi?=..., o que?=...}` for keys sent as Quem foi?, o que?, de onde?
 * (see test/unit/validation.test.ts). Buckets Java turns into trees (8+ colliding
 * keys in a table of 64+) are not modelled.
 */
export function javaHashMapOrder(keys: readonly string[]): string[] {
  let capacity = 16;
  while (keys.length > capacity * 0.75) capacity *= 2;
  const bucketOf = (key: string) => {
    const hash = javaStringHash(key);
    return (hash ^ (hash >>> 16)) & (capacity - 1);
  };
  // Array.prototype.sort is stable, which keeps insertion order within a bucket.
  return keys
    .map((key) => ({ key, bucket: bucketOf(key) }))
    .sort((a, b) => a.bucket - b.bucket)
    .map(({ key }) => key);
}

function javaStringHash(text: string): number {
  let hash = 0;
  for (let i = 0; i < text.length; i++) hash = (Math.imul(31, hash) + text.charCodeAt(i)) | 0;
  return hash;
}

function formatJavaInteger(value: number): string {
  return Number.isSafeInteger(value) ? String(value) : BigInt(Math.trunc(value)).toString();
}

/** Double.toString: plain between 10^-3 and 10^7 (always with a fraction), else d.dddE±n. */
function formatJavaDouble(value: number): string {
  const magnitude = Math.abs(value);
  if (magnitude === 0 || (magnitude >= 1e-3 && magnitude < 1e7)) {
    const plain = String(value);
    return plain.includes('.') ? plain : `${plain}.0`;
  }
  const [mantissa, exponent] = value.toExponential().split('e') as [string, string];
  return `${mantissa.includes('.') ? mantissa : `${mantissa}.0`}E${exponent.replace('+', '')}`;
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** java.util.Date.toString() on a UTC host, e.g. `Fri Dec 06 16:53:20 UTC 2024`. */
function formatJavaDate(epochSeconds: number): string {
  const date = new Date(epochSeconds * 1000);
  const two = (n: number) => String(n).padStart(2, '0');
  const time = `${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())}`;
  return `${DAYS[date.getUTCDay()]} ${MONTHS[date.getUTCMonth()]} ${two(date.getUTCDate())} ${time} UTC ${date.getUTCFullYear()}`;
}
