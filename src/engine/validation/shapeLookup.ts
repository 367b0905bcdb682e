import type { ShapeSpec, StructureShape } from '../../apis/events/model/shapeTypes.js';
import { SHAPES } from '../../apis/events/model/shapes.generated.js';

export function shapeNamed(name: string): ShapeSpec {
  const shape = SHAPES[name];
  if (shape === undefined) throw new Error(`Unknown shape ${name}`);
  return shape;
}

/** AWS names members in messages by their wire name with the first letter lowered. */
export function messageName(memberName: string): string {
  return memberName.charAt(0).toLowerCase() + memberName.slice(1);
}

export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export interface MemberInfo {
  readonly name: string;
  readonly shape: string;
  readonly spec: ShapeSpec;
  readonly messageName: string;
  readonly required: boolean;
}

const memberLists = new Map<StructureShape, readonly MemberInfo[]>();

/** A structure's members in model order, prepared once (validation runs on every request). */
export function membersOf(shape: StructureShape): readonly MemberInfo[] {
  let members = memberLists.get(shape);
  if (members === undefined) {
    const required = new Set(shape.required ?? []);
    members = Object.entries(shape.members).map(([name, memberShape]) => ({
      name,
      shape: memberShape,
      spec: shapeNamed(memberShape),
      messageName: messageName(name),
      required: required.has(name),
    }));
    memberLists.set(shape, members);
  }
  return members;
}

const memberSpecs = new Map<StructureShape, ReadonlyMap<string, ShapeSpec>>();

/** A structure's member shapes by wire name, prepared once: no lookup in the shape table per member read. */
export function memberSpecsOf(shape: StructureShape): ReadonlyMap<string, ShapeSpec> {
  let specs = memberSpecs.get(shape);
  if (specs === undefined) {
    specs = new Map(Object.entries(shape.members).map(([name, memberShape]) => [name, shapeNamed(memberShape)]));
    memberSpecs.set(shape, specs);
  }
  return specs;
}
