/**
 * One error type for everything Tessera answers with. It carries the wire `code` (one of
 * ERROR_CODES), the HTTP status, the fault (`Sender` for 4xx, `Receiver` for 5xx) and whether its
 * message may be shown. Errors are made only through the `Errors` catalogue below; exactly one
 * module (http/errors.ts) renders them, one renderer per protocol. Foreign errors are translated
 * at the boundary with `cause` kept.
 */
export type Fault = 'Sender' | 'Receiver';

/**
 * Every wire code Tessera answers with. Adding a code is one line here plus its constructor in
 * `Errors`; the class refuses any other string at compile time.
 */
export const ERROR_CODES = [
  // Protocol and authentication (common to every Query API)
  'InvalidAction',
  'MissingAction',
  'MissingParameter',
  'ValidationError',
  'MalformedQueryString',
  'InvalidParameterValue',
  'InvalidParameterCombination',
  'RequestEntityTooLarge',
  'IncompleteBody',
  'MissingAuthenticationToken',
  'IncompleteSignature',
  'InvalidClientTokenId',
  'SignatureDoesNotMatch',
  'RequestExpired',
  'ExpiredToken',
  'AccessDenied',
  'Throttling',
  'InternalFailure',
  'ServiceUnavailable',
  // IAM
  'NoSuchEntity',
  'EntityAlreadyExists',
  'DeleteConflict',
  'LimitExceeded',
  'InvalidInput',
  'InvalidUserType',
  'MalformedPolicyDocument',
  'PolicyNotAttachable',
  'UnmodifiableEntity',
  'PasswordPolicyViolation',
  'InvalidAuthenticationCode',
  'ConcurrentModification',
  'EntityTemporarilyUnmodifiable',
  'ServiceFailure',
  'OpenIdIdpCommunicationError',
  // STS
  'ExpiredTokenException',
  'IDPCommunicationError',
  'IDPRejectedClaim',
  'InvalidIdentityToken',
  'InvalidAuthorizationMessageException',
  'PackedPolicyTooLarge',
  'RegionDisabledException',
  'SessionDurationEscalationException',
  'JWTPayloadSizeExceededException',
  // OAuth 2.0 (RFC 6749 §5.2, RFC 8693 §2.2.2): /oauth2/token's own refusals, under their wire names
  'invalid_request',
  'invalid_client',
  'invalid_grant',
  'unsupported_grant_type',
  'invalid_target',
  // Tessera's HTTP surface outside the AWS protocols
  'BadRequest',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

const KNOWN: ReadonlySet<string> = new Set(ERROR_CODES);
export const isErrorCode = (s: string): s is ErrorCode => KNOWN.has(s);

/** The OAuth codes among ERROR_CODES (their renderer passes them through as `error`). */
export const OAUTH_ERROR_CODES = ['invalid_request', 'invalid_client', 'invalid_grant', 'unsupported_grant_type', 'invalid_target'] as const satisfies readonly ErrorCode[];
export type OAuthErrorCode = (typeof OAUTH_ERROR_CODES)[number];

export interface AwsErrorOptions {
  cause?: unknown;
  /** Extra context for the audit log (never shown to the caller). */
  detail?: Record<string, unknown>;
}

export class AwsError extends Error {
  override readonly name = 'AwsError';
  readonly code: ErrorCode;
  readonly status: number;
  readonly fault: Fault;
  /** Unexposed errors go out as a generic InternalFailure so internals never leak. */
  readonly expose: boolean;
  /** Extra context for the audit log (never shown to the caller). */
  readonly detail?: Record<string, unknown>;

  /** Use the `Errors` catalogue; the constructor is public only so the catalogue can live beside it. */
  constructor(code: ErrorCode, message: string, status = 400, opts: AwsErrorOptions = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.code = code;
    this.status = status;
    this.fault = status >= 500 ? 'Receiver' : 'Sender';
    this.expose = status < 500;
    if (opts.detail) this.detail = opts.detail;
  }
}

export const isAwsError = (e: unknown): e is AwsError => e instanceof AwsError;

const withCause = (cause: unknown): AwsErrorOptions => (cause === undefined ? {} : { cause });

const INTERNAL_MESSAGE = 'The request processing has failed because of an unknown error, exception or failure.';
const UNAVAILABLE_MESSAGE = 'Service is unavailable';

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
  /** An action this service does not serve at this version (the Query adapter's dispatch). */
  unknownOperation: (action: string, version: string) =>
    new AwsError('InvalidAction', `Could not find operation ${action} for version ${version}`, 400),
  missingParameter: (name: string) =>
    new AwsError('MissingParameter', `The request must contain the parameter ${name}`, 400),
  validation: (message: string) => new AwsError('ValidationError', message, 400),
  malformedQueryString: (message: string) => new AwsError('MalformedQueryString', message, 400),
  invalidParameterValue: (message: string) => new AwsError('InvalidParameterValue', message, 400),
  invalidParameterCombination: (message: string) => new AwsError('InvalidParameterCombination', message, 400),
  requestTooLarge: () => new AwsError('RequestEntityTooLarge', 'Request size exceeds the limit', 413),
  /** The request body stopped or failed before its end (client aborted, socket error). */
  incompleteBody: (cause?: unknown) => new AwsError('IncompleteBody', 'The request body could not be read.', 400, withCause(cause)),
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
  internal: (cause?: unknown) => new AwsError('InternalFailure', INTERNAL_MESSAGE, 500, { cause }),
  /** A dependency (Postgres, Redis, the worker pool) cannot serve now; `cause` says which and why (logged, never shown). */
  serviceUnavailable: (cause?: unknown) => new AwsError('ServiceUnavailable', UNAVAILABLE_MESSAGE, 503, withCause(cause)),
  /** The worker pool did not answer in time (workers/pool.ts). */
  workerUnavailable: () => new AwsError('ServiceUnavailable', 'The request could not be processed in time; retry it.', 503),
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
  /**
   * An error that crossed a serialization boundary as `{ code, message, status }` (a worker
   * thread's reply): rebuilt when its code is in the catalogue, else an InternalFailure.
   */
  fromWire: (e: { code: string; message: string; status: number }) =>
    isErrorCode(e.code) ? new AwsError(e.code, e.message, e.status) : new AwsError('InternalFailure', INTERNAL_MESSAGE, 500, { cause: e }),
  /** The same error (code, status, detail) with a longer message, the original kept as `cause`. */
  withMessage: (e: AwsError, message: string, detail: Record<string, unknown> | undefined = e.detail) =>
    new AwsError(e.code, message, e.status, { cause: e, ...(detail ? { detail } : {}) }),

  // IAM
  /** `resource` (e.g. `user/bob`): what the caller must be allowed to act on to learn it is missing. */
  noSuchEntity: (message: string, resource?: string) =>
    new AwsError('NoSuchEntity', message, 404, resource === undefined ? {} : { detail: { resource } }),
  entityAlreadyExists: (message: string) => new AwsError('EntityAlreadyExists', message, 409),
  deleteConflict: (message: string) => new AwsError('DeleteConflict', message, 409),
  limitExceeded: (message: string) => new AwsError('LimitExceeded', message, 409),
  invalidInput: (message: string) => new AwsError('InvalidInput', message, 400),
  /** ChangePassword by a caller that is not an IAM user (AWS: InvalidUserType, 400). */
  invalidUserType: () =>
    new AwsError('InvalidUserType', 'The request was rejected because the type of user for the transaction was incorrect.', 400),
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
  idpCommunicationError: (message: string, cause?: unknown) => new AwsError('IDPCommunicationError', message, 400, withCause(cause)),
  idpRejectedClaim: (message: string) => new AwsError('IDPRejectedClaim', message, 403),
  invalidIdentityToken: (message: string, cause?: unknown) => new AwsError('InvalidIdentityToken', message, 400, withCause(cause)),
  invalidAuthorizationMessage: (message: string) =>
    new AwsError('InvalidAuthorizationMessageException', message, 400),
  packedPolicyTooLarge: (message: string) => new AwsError('PackedPolicyTooLarge', message, 400),
  regionDisabled: (message: string) => new AwsError('RegionDisabledException', message, 403),
  sessionDurationEscalation: (message: string) => new AwsError('SessionDurationEscalationException', message, 403),
  jwtPayloadSizeExceeded: (message: string) => new AwsError('JWTPayloadSizeExceededException', message, 400),

  // OAuth 2.0 token endpoint (/oauth2/token): its own refusals; AWS errors from the STS actions
  // it calls are mapped to OAuth codes by the OAuth renderer (http/errors.ts).
  oauthInvalidRequest: (description: string) => new AwsError('invalid_request', description, 400),
  oauthUnsupportedGrantType: (description: string) => new AwsError('unsupported_grant_type', description, 400),
  oauthInvalidTarget: (description: string) => new AwsError('invalid_target', description, 400),
  oauthInvalidGrant: (description: string) => new AwsError('invalid_grant', description, 400),
  oauthInvalidClient: (description: string, cause?: unknown) => new AwsError('invalid_client', description, 401, withCause(cause)),

  // Tessera's own HTTP endpoints (health, metrics, discovery): a request Express refused.
  badRequest: (cause?: unknown) => new AwsError('BadRequest', 'The request could not be processed', 400, withCause(cause)),
} as const;
