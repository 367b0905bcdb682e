/**
 * Types of the generated API table (shapes.generated.ts). Shapes refer to each other
 * by name; member names are the wire (PascalCase) names, in model order.
 */

interface SensitiveTrait {
  /** The model marks the value secret: it must never be echoed in a message. */
  readonly sensitive?: boolean;
}

interface LengthBounds {
  /** Length of a string (code points), list or map; value of a number. */
  readonly min?: number;
  readonly max?: number;
}

export interface StructureShape extends SensitiveTrait {
  readonly type: 'structure';
  readonly members: Readonly<Record<string, string>>;
  readonly required?: readonly string[];
  readonly exception?: boolean;
  readonly fault?: boolean;
}

export interface ListShape extends SensitiveTrait, LengthBounds {
  readonly type: 'list';
  readonly member: string;
}

export interface MapShape extends SensitiveTrait, LengthBounds {
  readonly type: 'map';
  readonly key: string;
  readonly value: string;
}

export interface StringShape extends SensitiveTrait, LengthBounds {
  readonly type: 'string';
  /** A Java regular expression that must match the whole value. */
  readonly pattern?: string;
  readonly enum?: readonly string[];
}

export interface NumberShape extends LengthBounds {
  readonly type: 'integer' | 'long' | 'float' | 'double';
}

export interface BlobShape extends SensitiveTrait, LengthBounds {
  readonly type: 'blob';
}

export interface ScalarShape {
  readonly type: 'boolean' | 'timestamp';
}

export type ShapeSpec = StructureShape | ListShape | MapShape | StringShape | NumberShape | BlobShape | ScalarShape;

export interface OperationSpec {
  /** Input structure shape name. */
  readonly input: string | null;
  /** Output structure shape name; null when the operation has none (the response is `{}`). */
  readonly output: string | null;
  readonly inputMembers: readonly string[];
  readonly outputMembers: readonly string[];
  /** Modeled error shape names (ValidationException is never modeled but always possible). */
  readonly errors: readonly string[];
}
