import { defineOperation } from '../../awsquery/operation.js';
import { Errors } from '../../errors/index.js';
import { readName } from '../common.js';
import { authorizedRole } from './role-common.js';
import { findRole, invalidatePrincipal } from './shared.js';
import { unbindPrincipal } from './trust-binding.js';

export const DeleteRole = defineOperation({
  service: 'iam',
  name: 'DeleteRole',
  auth: 'sigv4',
  parse: (p) => ({ roleName: readName(p, 'RoleName', 64)! }),
  async run(ctx, input) {
    const found = await authorizedRole(ctx, input.roleName, 'iam:DeleteRole');
    await ctx.services.db.tx(async (c) => {
      const role = await findRole(c, ctx.caller.accountId, input.roleName, true);
      // Tessera has no instance profiles, so that DeleteConflict cannot arise.
      const deps = await c.query<{ attached: number; inline: number }>(
        `SELECT (SELECT count(*) FROM role_policy_attachments WHERE role_id = $1)::int AS attached,
                (SELECT count(*) FROM role_policies WHERE role_id = $1)::int AS inline`,
        [role.role_id],
      );
      const d = deps.rows[0]!;
      if (d.attached > 0) throw Errors.deleteConflict('Cannot delete entity, must detach all policies first.');
      if (d.inline > 0) throw Errors.deleteConflict('Cannot delete entity, must delete policies first.');
      await c.query(`DELETE FROM roles WHERE role_id = $1`, [role.role_id]);
      await unbindPrincipal(c, role.role_id);
    });
    await invalidatePrincipal(ctx, found.role_id);
  },
});
