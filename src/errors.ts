/**
 * Errors are values with an AWS type. A thrown AwsError reaches the wire layer,
 * which turns it into `{"__type", "message"}` with its HTTP status and the
 * `x-amzn-ErrorType` header. Every class is named exactly as its `__type`.
 */
export class AwsError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status: number = 400,
  ) {
    super(message);
    this.name = type;
  }
}

function errorClass(type: string, status = 400) {
  return class extends AwsError {
    constructor(message: string) {
      super(type, message, status);
    }
  };
}

export const ValidationException = errorClass('ValidationException');
export const SerializationException = errorClass('SerializationException');
export const ResourceNotFoundException = errorClass('ResourceNotFoundException');
export const ResourceAlreadyExistsException = errorClass('ResourceAlreadyExistsException');
export const LimitExceededException = errorClass('LimitExceededException');
export const InvalidEventPatternException = errorClass('InvalidEventPatternException');
export const ConcurrentModificationException = errorClass('ConcurrentModificationException');
export const ManagedRuleException = errorClass('ManagedRuleException');
export const PolicyLengthExceededException = errorClass('PolicyLengthExceededException');
export const InvalidStateException = errorClass('InvalidStateException');
export const IllegalStatusException = errorClass('IllegalStatusException');
export const OperationDisabledException = errorClass('OperationDisabledException');
export const AccessDeniedException = errorClass('AccessDeniedException');
export const ThrottlingException = errorClass('ThrottlingException');
export const UnknownOperationException = errorClass('UnknownOperationException');
export const NotImplementedException = errorClass('NotImplementedException', 501);
export const InternalException = errorClass('InternalException', 500);
