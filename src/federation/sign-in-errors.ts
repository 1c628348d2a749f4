/**
 * Errors of the sign-in path, thrown by connectors (src/federation/*) and the sign-in flows
 * (src/sso); the router renders SignInError as a clear page, with `reason` in the audit event.
 */
/** Refusals a person sees as a clear page (and the audit log records as `reason`). */
export type SignInFailure =
  | 'invalid_request'
  | 'state_missing'
  | 'state_unknown'
  | 'state_reused'
  | 'state_foreign'
  | 'upstream_error'
  | 'token_invalid'
  | 'assertion_invalid'
  | 'unsolicited_response'
  | 'not_in_response_to_us'
  | 'identity_not_allowed'
  | 'provider_missing'
  | 'bad_credentials'
  | 'locked'
  | 'mfa_invalid'
  | 'mfa_replayed'
  | 'password_reset_required'
  | 'csrf'
  | 'session_expired'
  | 'too_many_starts';

/** A refused sign-in step: `message` is safe to show a person (no secret, code or token). */
export class SignInError extends Error {
  constructor(
    readonly reason: SignInFailure,
    message: string,
    readonly status = 400,
    opts?: { cause?: unknown },
  ) {
    super(message, opts);
    this.name = 'SignInError';
  }
}

/** Configuration problems of a connector (apply / admin actions turn them into ValidationError). */
export class SignInConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SignInConfigError';
  }
}

