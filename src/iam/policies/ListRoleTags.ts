import { defineOperation } from '../../protocols/operation.js';
import { pageList } from '../common.js';
import { authorizedRole } from './role-common.js';

export const ListRoleTags = defineOperation({
  service: 'iam',
  name: 'ListRoleTags',
  auth: 'sigv4',
  async run(ctx, input) {
    const role = await authorizedRole(ctx, input.RoleName, 'iam:ListRoleTags');
    const page = pageList(role.tags, { marker: input.Marker, maxItems: input.MaxItems ?? 100 });
    return { Tags: page.items.map((t) => ({ Key: t.Key, Value: t.Value })), IsTruncated: page.IsTruncated, ...(page.Marker ? { Marker: page.Marker } : {}) };
  },
});
