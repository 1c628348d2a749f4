import { defineOperation } from '../../protocols/operation.js';
import { authorize } from '../authorize.js';
import { noSuchLoginProfile } from './password.js';
import { arnOfUser, resolveUser } from './shared.js';

export const DeleteLoginProfile = defineOperation({
  service: 'iam',
  name: 'DeleteLoginProfile',
  auth: 'sigv4',
  async run(ctx, input) {
    const { store } = ctx.services;
    const u = await resolveUser(ctx, store.users, input.UserName);
    await authorize(ctx, 'iam:DeleteLoginProfile', arnOfUser(ctx, u));
    const deleted = await store.tx((t) => t.users.deleteLoginProfile(u.id));
    if (!deleted) throw noSuchLoginProfile(u.name);
    ctx.audit.userId = u.id;
  },
});
