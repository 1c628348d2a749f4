import { defineOperation } from '../../protocols/operation.js';
import { authorize } from '../../iam/authorize.js';
import { LoginSessions } from '../login-sessions.js';
import { loginSessionArn, personFilter } from './shared.js';

/**
 * Tessera extension: end every live login session of one person (an IAM user, or a federated
 * person by connector or provider and subject). Needs tessera:RevokeLoginSession on
 * arn:PARTITION:iam::ACCOUNT:login-session/*.
 */
export const RevokeLoginSessions = defineOperation({
  service: 'iam',
  name: 'RevokeLoginSessions',
  auth: 'sigv4',
  async run(ctx, input) {
    await authorize(ctx, 'tessera:RevokeLoginSession', loginSessionArn(ctx, '*'));
    const filter = (await personFilter(ctx, input, false))!;
    const sessions = new LoginSessions(ctx.services);
    const ids: string[] = [];
    // Page through the person's live sessions (a connector+subject filter may span principal keys).
    for (let after: string | undefined; ; ) {
      const rows = await ctx.services.store.loginSessions.list(ctx.caller.accountId, filter, ctx.req.now, { after, limit: 500 });
      for (const r of rows) if (await sessions.revoke(r.id, ctx.req.now)) ids.push(r.id);
      if (rows.length < 500) break;
      after = rows[rows.length - 1]!.id;
    }
    Object.assign(ctx.audit, { revokedLoginSessionIds: ids });
    return { RevokedSessionIds: ids };
  },
});
