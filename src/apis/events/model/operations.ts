import { OPERATIONS, type OperationName } from './shapes.generated.js';

export function isOperationName(name: string): name is OperationName {
  return Object.hasOwn(OPERATIONS, name);
}
