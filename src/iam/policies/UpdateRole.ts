import { defineOperation } from '../../awsquery/operation.js';
import { readName } from '../common.js';
import { authorizedRole, readDescription, readMaxSessionDuration } from './role-common.js';

export const UpdateRole = defineOperation({
  service: 'iam',
  name: 'UpdateRole',
  auth: 'sigv4',
  parse: (p) => ({ roleName: readName(p, 'RoleName', 64)!, description: readDescription(p), maxSessionDuration: readMaxSessionDuration(p) }),
  async run(ctx, input) {
    const role = await authorizedRole(ctx, input.roleName, 'iam:UpdateRole');
    await ctx.services.db.tx((c) =>
      c.query(
        `UPDATE roles SET description = coalesce($2, description), max_session_duration = coalesce($3, max_session_duration) WHERE role_id = $1`,
        [role.role_id, input.description ?? null, input.maxSessionDuration ?? null],
      ),
    );
    await ctx.services.invalidate({ kind: 'principal', principalId: role.role_id });
    return {};
  },
  render: () => ({}),
});
