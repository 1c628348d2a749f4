import { defineOperation } from '../../awsquery/operation.js';
import { Errors } from '../../errors/index.js';
import { isUniqueViolation } from '../../store/pg-errors.js';
import { newUniqueId } from '../../tokens/ids.js';
import { authorize } from '../authorize.js';
import { assertUniqueTagKeys, readArn, readName, readPath, readTags } from '../common.js';
import { readDescription, readMaxSessionDuration, requireBoundaryPolicy } from './role-common.js';
import { bindTrustPrincipals, bindingColumns } from './trust-binding.js';
import { arnFor, checkTrustSize, readDocument, renderRole, tagContext, validateDocument, type RoleRow } from './shared.js';

export const CreateRole = defineOperation({
  service: 'iam',
  name: 'CreateRole',
  auth: 'sigv4',
  parse: (p) => ({
    roleName: readName(p, 'RoleName', 64)!,
    path: readPath(p) ?? '/',
    document: readDocument(p, 'AssumeRolePolicyDocument')!,
    description: readDescription(p),
    maxSessionDuration: readMaxSessionDuration(p),
    boundary: readArn(p, 'PermissionsBoundary', false),
    tags: readTags(p) ?? [],
  }),
  async run(ctx, input) {
    const arn = arnFor(ctx, `role${input.path}${input.roleName}`);
    await authorize(ctx, 'iam:CreateRole', arn, {
      ...tagContext(input.tags),
      ...(input.boundary ? { 'iam:PermissionsBoundary': input.boundary } : {}),
    });
    assertUniqueTagKeys(input.tags);
    checkTrustSize(input.document);
    validateDocument(input.document, 'trust');
    const roleId = newUniqueId('AROA');
    ctx.audit.roleArn = arn;
    try {
      const row = await ctx.services.db.tx(async (c) => {
        if (input.boundary) await requireBoundaryPolicy(c, ctx.caller.accountId, input.boundary);
        const [bound, boundIds] = bindingColumns(await bindTrustPrincipals(c, ctx.services.config.partition, input.document));
        const r = await c.query<RoleRow>(
          `INSERT INTO roles (role_id, account_id, role_name, path, arn, assume_role_policy, description, max_session_duration, permissions_boundary, tags, created_at, trust_principals, trust_principal_ids)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING *`,
          [roleId, ctx.caller.accountId, input.roleName, input.path, arn, input.document, input.description ?? null, input.maxSessionDuration ?? 3600, input.boundary ?? null, JSON.stringify(input.tags), ctx.req.now, bound, boundIds],
        );
        return r.rows[0]!;
      });
      return row;
    } catch (e) {
      if (isUniqueViolation(e)) throw Errors.entityAlreadyExists(`Role with name ${input.roleName} already exists.`);
      throw e;
    }
  },
  render: (r) => ({ Role: { ...renderRole(r, true), RoleLastUsed: undefined } }),
});
