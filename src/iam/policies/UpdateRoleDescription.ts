import { defineOperation } from '../../awsquery/operation.js';
import { readName } from '../common.js';
import { authorizedRole, readDescription } from './role-common.js';
import { renderRole, type RoleRow } from './shared.js';

export const UpdateRoleDescription = defineOperation({
  service: 'iam',
  name: 'UpdateRoleDescription',
  auth: 'sigv4',
  parse: (p) => {
    const roleName = readName(p, 'RoleName', 64)!;
    if (!p.has('Description')) p.fail('Description', null, 'Member must not be null');
    return { roleName, description: readDescription(p) ?? '' };
  },
  async run(ctx, input) {
    const role = await authorizedRole(ctx, input.roleName, 'iam:UpdateRoleDescription');
    const r = await ctx.services.db.tx((c) => c.query<RoleRow>(`UPDATE roles SET description = $2 WHERE role_id = $1 RETURNING *`, [role.role_id, input.description]));
    return r.rows[0] ?? role;
  },
  render: (r) => ({ Role: renderRole(r, true) }),
});
