import { defineOperation } from '../../awsquery/operation.js';
import { authorize } from '../authorize.js';
import { readName } from '../common.js';
import { renderUser, rowArn, targetUser } from './shared.js';

/** Without UserName: the caller's own user (the root user's shape for root). */
export const GetUser = defineOperation({
  service: 'iam',
  name: 'GetUser',
  auth: 'sigv4',
  parse: (p) => ({ UserName: readName(p, 'UserName', 128, false) }),
  run: async (ctx, i) => {
    const u = await targetUser(ctx, ctx.services.db, i.UserName);
    await authorize(ctx, 'iam:GetUser', rowArn(ctx, u));
    return { User: renderUser(ctx, u, { detail: true }) };
  },
  render: (o) => o,
});
