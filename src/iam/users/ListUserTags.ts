import { defineOperation } from '../../protocols/operation.js';
import { pageList } from '../common.js';
import { authorize } from '../authorize.js';
import { namedUser, userArn } from './shared.js';

/** Tags in the order they were added; the Marker is the index of the next tag. */
export const ListUserTags = defineOperation({
  service: 'iam',
  name: 'ListUserTags',
  auth: 'sigv4',
  async run(ctx, input) {
    const u = await namedUser(ctx, ctx.services.store.users, input.UserName);
    await authorize(ctx, 'iam:ListUserTags', userArn(ctx, u.path, u.name));
    const r = pageList(u.tags, { marker: input.Marker, maxItems: input.MaxItems ?? 100 });
    return { Tags: r.items.map((t) => ({ Key: t.Key, Value: t.Value })), IsTruncated: r.IsTruncated, ...(r.Marker ? { Marker: r.Marker } : {}) };
  },
});
