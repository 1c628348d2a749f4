import { defineOperation } from '../../awsquery/operation.js';
import { readArn, readName } from '../common.js';
import { authorizedEntity, ROLE, USER, type EntityKind } from './entity.js';
import { requireBoundaryPolicy } from './role-common.js';

/** Put/Delete{User,Role}PermissionsBoundary for one entity kind. */
const table = (k: EntityKind) => (k === ROLE ? 'roles' : 'users');

export function putBoundaryOperation(k: typeof USER | typeof ROLE) {
  return defineOperation({
    service: 'iam',
    name: `Put${k.Kind}PermissionsBoundary`,
    auth: 'sigv4',
    parse: (p) => ({ name: readName(p, k.nameField, k.nameMax)!, arn: readArn(p, 'PermissionsBoundary')! }),
    async run(ctx, input) {
      const e = await authorizedEntity(ctx, k, input.name, `iam:Put${k.Kind}PermissionsBoundary`, { 'iam:PermissionsBoundary': input.arn });
      ctx.audit.permissionsBoundary = input.arn;
      await ctx.services.db.tx(async (c) => {
        await requireBoundaryPolicy(c, ctx.caller.accountId, input.arn);
        await c.query(`UPDATE ${table(k)} SET permissions_boundary = $2 WHERE ${k.idCol} = $1`, [e.id, input.arn]);
        await k.invalidate(ctx, e, c);
      });
    },
  });
}

export function deleteBoundaryOperation(k: typeof USER | typeof ROLE) {
  return defineOperation({
    service: 'iam',
    name: `Delete${k.Kind}PermissionsBoundary`,
    auth: 'sigv4',
    parse: (p) => ({ name: readName(p, k.nameField, k.nameMax)! }),
    async run(ctx, input) {
      const e = await authorizedEntity(ctx, k, input.name, `iam:Delete${k.Kind}PermissionsBoundary`);
      await ctx.services.db.tx(async (c) => {
        await c.query(`UPDATE ${table(k)} SET permissions_boundary = NULL WHERE ${k.idCol} = $1`, [e.id]);
        await k.invalidate(ctx, e, c);
      });
    },
  });
}
