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

// Authentication (--require-auth). Types, texts and statuses as AWS's JSON-protocol (Coral)
// services answer them; sources in docs/reliability.md section 7.
export const MissingAuthenticationTokenException = errorClass('MissingAuthenticationTokenException');
export const IncompleteSignatureException = errorClass('IncompleteSignatureException');
export const UnrecognizedClientException = errorClass('UnrecognizedClientException');
export const InvalidSignatureException = errorClass('InvalidSignatureException');

export const authErrors = {
  missingToken: () => new MissingAuthenticationTokenException('Missing Authentication Token'),
  unknownAccessKey: () => new UnrecognizedClientException('The security token included in the request is invalid.'),
  signatureMismatch: () =>
    new InvalidSignatureException(
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
    ),
  expired: (signed: string, earliest: string, now: string) => new InvalidSignatureException(`Signature expired: ${signed} is now earlier than ${earliest} (${now} - 5 min.)`),
  notYetCurrent: (signed: string, latest: string, now: string) => new InvalidSignatureException(`Signature not yet current: ${signed} is still later than ${latest} (${now} + 5 min.)`),
  // AWS's JSON-protocol services, for a scope naming no Region: HTTP 400, this text with its trailing space.
  invalidRegion: () => new InvalidSignatureException('Credential should be scoped to a valid region. '),
  wrongService: (service: string) => new InvalidSignatureException(`Credential should be scoped to correct service: '${service}'. `),
  /** `missing`: the parameters and headers AWS names, in its order. */
  incomplete: (missing: string[], header: string) => new IncompleteSignatureException(`${missing.join(' ')} Authorization=${header}`),
  notKeyValue: (part: string, header: string) =>
    new IncompleteSignatureException(`'${part}' not a valid key=value pair (missing equal-sign) in Authorization header: '${header}'.`),
  // AWS's text when `host` is not in SignedHeaders (quoted in aws/aws-sdk-php#2469).
  hostNotSigned: () => new IncompleteSignatureException("'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization."),
  // The same rule for the header that names the operation, in AWS's form: unsigned, a captured
  // DescribeEventBus could be replayed as DeleteEventBus (SigV4 docs: sign every x-amz-* header sent).
  headerNotSigned: (name: string) => new IncompleteSignatureException(`'${name}' must be a 'SignedHeader' in the AWS Authorization.`),
  // Emulator texts in AWS's form (AWS's own answer to these headers is not recorded): a header
  // that names two identities, or hides one in a parameter SigV4 does not define, is refused.
  repeatedParameter: (name: string, header: string) =>
    new IncompleteSignatureException(`Authorization header has more than one '${name}' parameter. Authorization=${header}`),
  unknownParameter: (name: string, header: string) =>
    new IncompleteSignatureException(`'${name}' is not a parameter of the Authorization header (Credential, SignedHeaders, Signature). Authorization=${header}`),
  badCredential: (credential: string) =>
    new IncompleteSignatureException(`Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '${credential}'`),
  badDate: (value: string) => new IncompleteSignatureException(`Date must be in ISO-8601 'basic format'. Got '${value}'. See http://en.wikipedia.org/wiki/ISO_8601`),
  // Deliberate divergences: what the emulator cannot verify is refused with the reason.
  presignedUnsupported: () =>
    new IncompleteSignatureException(
      'eventbridge-local --require-auth verifies the Authorization header form of SigV4 only: query-string (presigned) signatures are not supported.',
    ),
  sigV4aUnsupported: () =>
    new IncompleteSignatureException('eventbridge-local --require-auth verifies SigV4 (AWS4-HMAC-SHA256) only: SigV4a (AWS4-ECDSA-P256-SHA256) is not supported.'),
  dateHeaderUnsupported: () =>
    new IncompleteSignatureException('eventbridge-local --require-auth needs the X-Amz-Date header: a signature dated by the Date header alone is not supported.'),
};
