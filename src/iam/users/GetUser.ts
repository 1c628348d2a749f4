import { defineOperation } from '../../protocols/operation.js';
import { authorize } from '../authorize.js';
import { arnOfUser, resolveUser } from './shared.js';
import { userShape } from './user-shape.js';

/** Without UserName: the caller's own user (the root user's shape for root). */
export const GetUser = defineOperation({
  service: 'iam',
  name: 'GetUser',
  auth: 'sigv4',
  async run(ctx, input) {
    const u = await resolveUser(ctx, ctx.services.store.users, input.UserName);
    await authorize(ctx, 'iam:GetUser', arnOfUser(ctx, u));
    return { User: userShape(ctx, u, true) };
  },
});
