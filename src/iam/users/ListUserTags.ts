import { defineOperation } from '../../awsquery/operation.js';
import { pageList, readName, readPage } from '../common.js';
import { authorize } from '../authorize.js';
import { accountOf, findUser, userArn } from './shared.js';

/** Tags in the order they were added; the Marker is the index of the next tag. */
export const ListUserTags = defineOperation({
  service: 'iam',
  name: 'ListUserTags',
  auth: 'sigv4',
  parse: (p) => ({ UserName: readName(p, 'UserName', 128)!, page: readPage(p) }),
  run: async (ctx, i) => {
    const u = await findUser(ctx.services.db, accountOf(ctx), i.UserName);
    await authorize(ctx, 'iam:ListUserTags', userArn(ctx, u.path, u.user_name));
    const r = pageList(u.tags, i.page);
    return { Tags: r.items.map((t) => ({ Key: t.Key, Value: t.Value })), IsTruncated: r.IsTruncated, Marker: r.Marker };
  },
  render: (o) => o,
});
