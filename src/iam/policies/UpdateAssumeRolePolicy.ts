import { defineOperation } from '../../awsquery/operation.js';
import { Errors } from '../../errors/index.js';
import { readName } from '../common.js';
import { authorizedRole } from './role-common.js';
import { checkTrustSize, readDocument, validateDocument } from './shared.js';
import { bindTrustPrincipals, bindingColumns } from './trust-binding.js';

export const UpdateAssumeRolePolicy = defineOperation({
  service: 'iam',
  name: 'UpdateAssumeRolePolicy',
  auth: 'sigv4',
  parse: (p) => ({ roleName: readName(p, 'RoleName', 64)!, document: readDocument(p, 'PolicyDocument')! }),
  async run(ctx, input) {
    const role = await authorizedRole(ctx, input.roleName, 'iam:UpdateAssumeRolePolicy');
    checkTrustSize(input.document);
    validateDocument(input.document, 'trust');
    await ctx.services.db.tx(async (c) => {
      // The role first, then the principals it names (the order DeleteUser/DeleteRole lock in).
      const still = await c.query(`SELECT 1 FROM roles WHERE role_id = $1 FOR UPDATE`, [role.role_id]);
      if (!still.rowCount) throw Errors.noSuchEntity(`The role with name ${input.roleName} cannot be found.`);
      const [bound, boundIds] = bindingColumns(await bindTrustPrincipals(c, ctx.services.config.partition, input.document));
      await c.query(`UPDATE roles SET assume_role_policy = $2, trust_principals = $3, trust_principal_ids = $4 WHERE role_id = $1`, [role.role_id, input.document, bound, boundIds]);
    });
    await ctx.services.invalidate({ kind: 'principal', principalId: role.role_id });
  },
});
