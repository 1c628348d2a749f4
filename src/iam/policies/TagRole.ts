import { defineOperation } from '../../awsquery/operation.js';
import { assertUniqueTagKeys, readName, readTags } from '../common.js';
import { authorizedRole } from './role-common.js';
import { assertTagQuota, findRole, invalidatePrincipal, mergeTags, tagContext } from './shared.js';

export const TagRole = defineOperation({
  service: 'iam',
  name: 'TagRole',
  auth: 'sigv4',
  parse: (p) => ({ roleName: readName(p, 'RoleName', 64)!, tags: readTags(p) ?? (p.fail('Tags', null, 'Member must not be null'), []) }),
  async run(ctx, input) {
    assertUniqueTagKeys(input.tags);
    const found = await authorizedRole(ctx, input.roleName, 'iam:TagRole', tagContext(input.tags));
    await ctx.services.db.tx(async (c) => {
      const role = await findRole(c, ctx.caller.accountId, input.roleName, true);
      const tags = mergeTags(role.tags, input.tags);
      assertTagQuota(tags);
      await c.query(`UPDATE roles SET tags = $2 WHERE role_id = $1`, [role.role_id, JSON.stringify(tags)]);
    });
    await invalidatePrincipal(ctx, found.role_id);
  },
});
