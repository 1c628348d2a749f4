import { defineOperation } from '../../awsquery/operation.js';
import { Errors } from '../../errors/index.js';
import { authorize } from '../../iam/authorize.js';
import { NAME_PATTERN, NAME_PATTERN_TEXT, iamArn } from '../../iam/common.js';

/**
 * Tessera extension (IAM namespace): revoke every session of a role issued before IssuedBefore
 * (ISO 8601; default: now), like the console's "Revoke active sessions". Sessions issued later
 * are unaffected. Needs iam:RevokeRoleSessions on the role. Result: <IssuedBefore>.
 */
export const RevokeRoleSessions = defineOperation({
  service: 'iam',
  name: 'RevokeRoleSessions',
  auth: 'sigv4',
  parse: (p) => ({
    roleName: p.string('RoleName', { required: true, min: 1, max: 64, pattern: NAME_PATTERN, patternText: NAME_PATTERN_TEXT }),
    issuedBefore: p.string('IssuedBefore', { min: 1, max: 64 }),
  }),
  run: async (ctx, input) => {
    const { caller, services, req } = ctx;
    const r = await services.db.query<{ role_id: string; path: string; role_name: string }>(
      `SELECT role_id, path, role_name FROM roles WHERE account_id = $1 AND lower(role_name) = lower($2)`,
      [caller.accountId, input.roleName],
    );
    const row = r.rows[0];
    const arn = iamArn(services.config.partition, caller.accountId, `role${row?.path ?? '/'}${row?.role_name ?? input.roleName}`);
    await authorize(ctx, 'iam:RevokeRoleSessions', arn);
    if (!row) throw Errors.noSuchEntity(`The role with name ${input.roleName} cannot be found.`);
    let before = req.now;
    if (input.issuedBefore !== undefined) {
      const d = new Date(input.issuedBefore);
      if (Number.isNaN(d.getTime())) throw Errors.invalidInput('IssuedBefore must be an ISO 8601 date-time.');
      before = d;
    }
    // Revoking "up to now" must also catch a session issued in this same millisecond.
    const cutoff = input.issuedBefore === undefined ? new Date(before.getTime() + 1) : before;
    await services.revocations.revokeRoleSessions(row.role_id, cutoff);
    Object.assign(ctx.audit, { roleArn: arn, roleId: row.role_id, revokedIssuedBefore: before.toISOString() });
    return { IssuedBefore: before };
  },
  render: (o) => o,
});
