import { defineOperation } from '../../awsquery/operation.js';
import { readName, readPage } from '../common.js';
import { authorizedRole } from './role-common.js';
import { pageOf, xmlTags } from './shared.js';

export const ListRoleTags = defineOperation({
  service: 'iam',
  name: 'ListRoleTags',
  auth: 'sigv4',
  parse: (p) => ({ roleName: readName(p, 'RoleName', 64)!, page: readPage(p) }),
  async run(ctx, input) {
    const role = await authorizedRole(ctx, input.roleName, 'iam:ListRoleTags');
    return pageOf(role.tags, input.page);
  },
  render: (o) => ({ Tags: xmlTags(o.items), IsTruncated: o.IsTruncated, Marker: o.Marker }),
});
