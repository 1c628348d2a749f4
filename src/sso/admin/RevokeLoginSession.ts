import { defineOperation } from '../../protocols/operation.js';
import { Errors } from '../../errors/index.js';
import { authorize } from '../../iam/authorize.js';
import { LoginSessions } from '../login-sessions.js';
import { loginSessionArn } from './shared.js';

/**
 * Tessera extension: end one login session of the caller's account, on every replica at once
 * (src/sso/login-sessions.ts: the registry row is marked, the cache entry deleted and
 * tombstoned). Needs tessera:RevokeLoginSession on arn:PARTITION:iam::ACCOUNT:login-session/<Id>.
 * A session of another account is NoSuchEntity, as is an unknown id; one that already ended is fine.
 */
export const RevokeLoginSession = defineOperation({
  service: 'iam',
  name: 'RevokeLoginSession',
  auth: 'sigv4',
  async run(ctx, input) {
    await authorize(ctx, 'tessera:RevokeLoginSession', loginSessionArn(ctx, input.Id));
    const row = await ctx.services.store.loginSessions.get(input.Id);
    if (!row || row.accountId !== ctx.caller.accountId) throw Errors.noSuchEntity(`The login session with id ${input.Id} cannot be found.`);
    const live = await new LoginSessions(ctx.services).revoke(input.Id, ctx.req.now);
    Object.assign(ctx.audit, { revokedLoginSessionId: input.Id, wasLive: live, principalArn: row.principalArn });
  },
});
