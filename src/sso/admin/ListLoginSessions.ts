import { defineOperation } from '../../protocols/operation.js';
import { authorize } from '../../iam/authorize.js';
import { decodeMarker, paginate } from '../../iam/common.js';
import { loginSessionArn, loginSessionShape, personFilter } from './shared.js';

/**
 * Tessera extension: the account's login sessions (people signed in in a browser) in id order,
 * all or one person's. Needs tessera:ListLoginSessions on arn:PARTITION:iam::ACCOUNT:login-session/*.
 */
export const ListLoginSessions = defineOperation({
  service: 'iam',
  name: 'ListLoginSessions',
  auth: 'sigv4',
  async run(ctx, input) {
    await authorize(ctx, 'tessera:ListLoginSessions', loginSessionArn(ctx, '*'));
    const filter = (await personFilter(ctx, input, true)) ?? { accountId: ctx.caller.accountId };
    const maxItems = input.MaxItems ?? 100;
    const rows = await ctx.services.store.loginSessions.list(ctx.caller.accountId, filter, ctx.req.now, {
      after: decodeMarker(input.Marker),
      limit: maxItems + 1,
      all: input.IncludeEnded === true,
    });
    const page = paginate(rows, { marker: input.Marker, maxItems }, (r) => r.id);
    return { LoginSessions: page.items.map((r) => loginSessionShape(ctx, r)), IsTruncated: page.IsTruncated, ...(page.Marker ? { Marker: page.Marker } : {}) };
  },
});
