import { defineOperation } from '../awsquery/operation.js';
import { Errors } from '../errors/index.js';
import { checkMfa, readMfa } from './mfa.js';
import { issueCredentials, issuedAudit, sameIdentity } from './issue.js';
import { renderCredentials } from './render.js';

/**
 * Temporary credentials with the long-term caller's own identity. Needs no permission.
 * Root: at most 1 hour. Session credentials cannot call it (AccessDenied). With SerialNumber +
 * TokenCode the session carries aws:MultiFactorAuthPresent = true (and may then call IAM).
 */
export const GetSessionToken = defineOperation({
  service: 'sts',
  name: 'GetSessionToken',
  auth: 'sigv4',
  parse: (p) => ({
    durationSeconds: p.int('DurationSeconds', { min: 900, max: 129600 }),
    mfa: readMfa(p),
  }),
  run: async (ctx, input) => {
    const c = ctx.caller;
    if (c.credential === 'temporary') throw Errors.accessDenied('Cannot call GetSessionToken with session credentials');
    const duration = c.isRoot ? Math.min(input.durationSeconds ?? 3600, 3600) : (input.durationSeconds ?? 43200);
    const mfa = await checkMfa(ctx, input.mfa, 'GetSessionToken');
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
    return issued;
  },
  render: (o) => ({ Credentials: renderCredentials(o) }),
});
