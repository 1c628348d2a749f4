import { defineOperation } from '../../awsquery/operation.js';
import { authorize } from '../authorize.js';
import { readName } from '../common.js';
import { arnFor, findRole, renderRole } from './shared.js';

export const GetRole = defineOperation({
  service: 'iam',
  name: 'GetRole',
  auth: 'sigv4',
  parse: (p) => ({ roleName: readName(p, 'RoleName', 64)! }),
  async run(ctx, input) {
    const role = await findRole(ctx.services.db, ctx.caller.accountId, input.roleName).catch(async (e) => {
      await authorize(ctx, 'iam:GetRole', arnFor(ctx, `role/${input.roleName}`));
      throw e;
    });
    await authorize(ctx, 'iam:GetRole', role.arn);
    return role;
  },
  render: (r) => ({ Role: renderRole(r, true) }),
});
