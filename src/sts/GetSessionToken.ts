import { defineOperation } from '../protocols/operation.js';
import { Errors } from '../errors/index.js';
import { checkMfa, mfaOf } from './mfa.js';
import { issueCredentials, issuedAudit, sameIdentity } from './issue.js';
import { credentialsShape } from './render.js';

/**
 * Temporary credentials with the long-term caller's own identity. Needs no permission.
 * Root: at most 1 hour. Session credentials cannot call it (AccessDenied). With SerialNumber +
 * TokenCode the session carries aws:MultiFactorAuthPresent = true (and may then call IAM).
 */
export const GetSessionToken = defineOperation({
  service: 'sts',
  name: 'GetSessionToken',
  auth: 'sigv4',
  async run(ctx, input) {
    const c = ctx.caller;
    if (c.credential === 'temporary') throw Errors.accessDenied('Cannot call GetSessionToken with session credentials');
    const duration = c.isRoot ? Math.min(input.DurationSeconds ?? 3600, 3600) : (input.DurationSeconds ?? 43200);
    const mfa = await checkMfa(ctx, mfaOf(input), 'GetSessionToken');
    const issued = await issueCredentials(ctx.services, {
      identity: sameIdentity(c),
      session: {
        issuedBy: 'GetSessionToken',
        parentUserId: c.principalId,
        mfaAuthenticated: mfa || undefined,
        mfaAuthTime: mfa ? ctx.req.now : undefined,
      },
      durationSeconds: duration,
      now: ctx.req.now,
    });
    Object.assign(ctx.audit, { issuedBy: 'GetSessionToken', durationSeconds: duration, mfaAuthenticated: mfa }, issuedAudit(issued));
    return { Credentials: credentialsShape(issued) };
  },
});
