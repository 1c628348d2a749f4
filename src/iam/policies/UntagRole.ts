import { defineOperation } from '../../awsquery/operation.js';
import { readName, readTagKeys } from '../common.js';
import { authorizedRole } from './role-common.js';
import { findRole, invalidatePrincipal, removeTags } from './shared.js';

export const UntagRole = defineOperation({
  service: 'iam',
  name: 'UntagRole',
  auth: 'sigv4',
  parse: (p) => ({ roleName: readName(p, 'RoleName', 64)!, keys: readTagKeys(p) ?? [] }),
  async run(ctx, input) {
    const found = await authorizedRole(ctx, input.roleName, 'iam:UntagRole', { 'aws:TagKeys': input.keys });
    await ctx.services.db.tx(async (c) => {
      const role = await findRole(c, ctx.caller.accountId, input.roleName, true);
      await c.query(`UPDATE roles SET tags = $2 WHERE role_id = $1`, [role.role_id, JSON.stringify(removeTags(role.tags, input.keys))]);
    });
    await invalidatePrincipal(ctx, found.role_id);
  },
});
