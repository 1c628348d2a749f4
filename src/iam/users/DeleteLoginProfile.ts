import { defineOperation } from '../../protocols/operation.js';
import { authorize } from '../authorize.js';
import { noSuchLoginProfile } from './password.js';
import { arnOfUser, resolveUser } from './shared.js';
import { LoginSessions, userPrincipalKey } from '../../sso/login-sessions.js';

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
    // No password, no browser sign-in: the user's live login sessions end too (every replica at
    // once), or removing someone's console access would leave them signed in until the timeout.
    const ended = await new LoginSessions(ctx.services).revokeAllOf(userPrincipalKey(u.id), ctx.req.now);
    ctx.audit.userId = u.id;
    if (ended.length > 0) Object.assign(ctx.audit, { revokedLoginSessionIds: ended });
  },
});
