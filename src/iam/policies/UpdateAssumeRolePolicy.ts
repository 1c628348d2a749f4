import { defineOperation } from '../../awsquery/operation.js';
import { readName } from '../common.js';
import { authorizedRole } from './role-common.js';
import { checkTrustSize, readDocument, validateDocument } from './shared.js';

export const UpdateAssumeRolePolicy = defineOperation({
  service: 'iam',
  name: 'UpdateAssumeRolePolicy',
  auth: 'sigv4',
  parse: (p) => ({ roleName: readName(p, 'RoleName', 64)!, document: readDocument(p, 'PolicyDocument')! }),
  async run(ctx, input) {
    const role = await authorizedRole(ctx, input.roleName, 'iam:UpdateAssumeRolePolicy');
    checkTrustSize(input.document);
    validateDocument(input.document, 'trust');
    await ctx.services.db.tx((c) => c.query(`UPDATE roles SET assume_role_policy = $2 WHERE role_id = $1`, [role.role_id, input.document]));
    await ctx.services.invalidate({ kind: 'principal', principalId: role.role_id });
  },
});
