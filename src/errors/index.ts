/**
 * One error type for everything Tessera answers with. It carries the AWS wire `Code`, the HTTP
 * status, the fault (`Sender` for 4xx, `Receiver` for 5xx) and whether its message may be shown.
 * Exactly one place (http/errors.ts) renders it, per protocol. Foreign errors are translated at
 * the boundary with `cause` kept.
 */
export type Fault = 'Sender' | 'Receiver';

export class AwsError extends Error {
  override readonly name = 'AwsError';
  readonly code: string;
  readonly status: number;
  readonly fault: Fault;
  /** Unexposed errors go out as a generic InternalFailure so internals never leak. */
  readonly expose: boolean;
  /** Extra context for the audit log (never shown to the caller). */
  readonly detail?: Record<string, unknown>;

  constructor(code: string, message: string, status = 400, opts: { cause?: unknown; detail?: Record<string, unknown> } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.code = code;
    this.status = status;
    this.fault = status >= 500 ? 'Receiver' : 'Sender';
    this.expose = status < 500;
    if (opts.detail) this.detail = opts.detail;
  }
}

export const isAwsError = (e: unknown): e is AwsError => e instanceof AwsError;

/**
 * The catalogue: constructors for the wire codes Tessera uses, with AWS's HTTP statuses
 * (AWS-CONTRACT.md, "STS error codes" and "IAM error codes").
 */
export const Errors = {
  // Protocol and authentication (common to every Query API)
  invalidAction: (action: string) =>
    new AwsError('InvalidAction', `Could not find operation ${action} for version`, 400),
  missingAction: () => new AwsError('MissingAction', 'Missing Action', 400),
  invalidVersion: (version: string) =>
    new AwsError('InvalidAction', `Could not find operation for version ${version}`, 400),
  missingParameter: (name: string) =>
    new AwsError('MissingParameter', `The request must contain the parameter ${name}`, 400),
  validation: (message: string) => new AwsError('ValidationError', message, 400),
  malformedQueryString: (message: string) => new AwsError('MalformedQueryString', message, 400),
  invalidParameterValue: (message: string) => new AwsError('InvalidParameterValue', message, 400),
  invalidParameterCombination: (message: string) => new AwsError('InvalidParameterCombination', message, 400),
  requestTooLarge: () => new AwsError('RequestEntityTooLarge', 'Request size exceeds the limit', 413),
  unsupportedMediaType: () =>
    new AwsError('InvalidParameterValue', 'Content-Type must be application/x-www-form-urlencoded', 400),
  missingAuthenticationToken: () =>
    new AwsError('MissingAuthenticationToken', 'Request is missing Authentication Token', 403),
  incompleteSignature: (message: string) => new AwsError('IncompleteSignature', message, 400),
  invalidClientTokenId: () =>
    new AwsError('InvalidClientTokenId', 'The security token included in the request is invalid.', 403),
  signatureDoesNotMatch: () =>
    new AwsError(
      'SignatureDoesNotMatch',
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
      403,
    ),
  /** A credential scope naming no known region (AWS: SignatureDoesNotMatch, 403). */
  invalidRegionScope: (region: string) => new AwsError('SignatureDoesNotMatch', `Credential should be scoped to a valid region, not '${region}'. `, 403),
  requestExpired: (message: string) => new AwsError('RequestExpired', message, 400),
  signatureExpired: (message: string) => new AwsError('SignatureDoesNotMatch', message, 403),
  expiredToken: () => new AwsError('ExpiredToken', 'The security token included in the request is expired', 400),
  accessDenied: (message: string, detail?: Record<string, unknown>) =>
    new AwsError('AccessDenied', message, 403, detail ? { detail } : {}),
  throttling: () => new AwsError('Throttling', 'Rate exceeded', 400),
  internal: (cause?: unknown) =>
    new AwsError('InternalFailure', 'The request processing has failed because of an unknown error, exception or failure.', 500, { cause }),
  serviceUnavailable: () => new AwsError('ServiceUnavailable', 'Service is unavailable', 503),
  /**
   * The database connection was lost while COMMIT was in flight: the change may or may not have
   * been applied. Audited with outcome 'unknown' (never as a failure: it may have succeeded).
   */
  outcomeUnknown: (cause?: unknown) =>
    new AwsError(
      'ServiceUnavailable',
      'Service is unavailable: the connection to the database was lost while this change was being committed, so it may or may not have been applied. Check before retrying.',
      503,
      { cause, detail: { outcome: 'unknown' } },
    ),

  // IAM
  /** `resource` (e.g. `user/bob`): what the caller must be allowed to act on to learn it is missing. */
  noSuchEntity: (message: string, resource?: string) =>
    new AwsError('NoSuchEntity', message, 404, resource === undefined ? {} : { detail: { resource } }),
  entityAlreadyExists: (message: string) => new AwsError('EntityAlreadyExists', message, 409),
  deleteConflict: (message: string) => new AwsError('DeleteConflict', message, 409),
  limitExceeded: (message: string) => new AwsError('LimitExceeded', message, 409),
  invalidInput: (message: string) => new AwsError('InvalidInput', message, 400),
  malformedPolicyDocument: (message: string) => new AwsError('MalformedPolicyDocument', message, 400),
  policyNotAttachable: (message: string) => new AwsError('PolicyNotAttachable', message, 400),
  unmodifiableEntity: (message: string) => new AwsError('UnmodifiableEntity', message, 400),
  passwordPolicyViolation: (message: string) => new AwsError('PasswordPolicyViolation', message, 400),
  invalidAuthenticationCode: (message: string) => new AwsError('InvalidAuthenticationCode', message, 403),
  concurrentModification: (message: string) => new AwsError('ConcurrentModification', message, 409),
  entityTemporarilyUnmodifiable: (message: string) => new AwsError('EntityTemporarilyUnmodifiable', message, 409),
  serviceFailure: (cause?: unknown) => new AwsError('ServiceFailure', 'An internal error occurred.', 500, { cause }),
  openIdIdpCommunicationError: (message: string) => new AwsError('OpenIdIdpCommunicationError', message, 400),

  // STS
  expiredTokenException: (message: string) => new AwsError('ExpiredTokenException', message, 400),
  idpCommunicationError: (message: string) => new AwsError('IDPCommunicationError', message, 400),
  idpRejectedClaim: (message: string) => new AwsError('IDPRejectedClaim', message, 403),
  invalidIdentityToken: (message: string) => new AwsError('InvalidIdentityToken', message, 400),
  invalidAuthorizationMessage: (message: string) =>
    new AwsError('InvalidAuthorizationMessageException', message, 400),
  packedPolicyTooLarge: (message: string) => new AwsError('PackedPolicyTooLarge', message, 400),
  regionDisabled: (message: string) => new AwsError('RegionDisabledException', message, 403),
  sessionDurationEscalation: (message: string) => new AwsError('SessionDurationEscalationException', message, 403),
  jwtPayloadSizeExceeded: (message: string) => new AwsError('JWTPayloadSizeExceededException', message, 400),
} as const;
