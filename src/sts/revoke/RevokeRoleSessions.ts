import { defineOperation } from '../../protocols/operation.js';
import { Errors } from '../../errors/index.js';
import { authorize } from '../../iam/authorize.js';
import { iamArn } from '../../iam/common.js';

/**
 * Tessera extension (IAM namespace): revoke every session of a role issued before IssuedBefore
 * (ISO 8601; default: now), like the console's "Revoke active sessions". Sessions issued later
 * are unaffected; every session chained from a revoked one is revoked with it
 * (src/sts/revocation.ts). Needs iam:RevokeRoleSessions on the role. Result: <IssuedBefore>, the
 * cutoff applied. IssuedBefore may not be in the future: a later cutoff would refuse sessions not
 * yet issued, locking the role out with no undo (a cutoff never moves back). Up to
 * ISSUED_BEFORE_SKEW_MS ahead of Tessera's clock is taken as the caller's clock running ahead and
 * means "now"; later is ValidationError.
 */
export const ISSUED_BEFORE_SKEW_MS = 5_000;

export const RevokeRoleSessions = defineOperation({
  service: 'iam',
  name: 'RevokeRoleSessions',
  auth: 'sigv4',
  async run(ctx, wire) {
    const { caller, services, req } = ctx;
    const input = { roleName: wire.RoleName, issuedBefore: wire.IssuedBefore };
    const row = await services.store.roles.get(caller.accountId, input.roleName);
    const arn = iamArn(services.config.partition, caller.accountId, `role${row?.path ?? '/'}${row?.name ?? input.roleName}`);
    await authorize(ctx, 'iam:RevokeRoleSessions', arn);
    if (!row) throw Errors.noSuchEntity(`The role with name ${input.roleName} cannot be found.`);
    let before = req.now;
    let upToNow = true;
    if (input.issuedBefore !== undefined) {
      const d = new Date(input.issuedBefore);
      if (Number.isNaN(d.getTime())) throw Errors.invalidInput('IssuedBefore must be an ISO 8601 date-time.');
      if (d.getTime() > req.now.getTime() + ISSUED_BEFORE_SKEW_MS) {
        throw Errors.validation(
          `IssuedBefore ${d.toISOString()} is in the future (now: ${req.now.toISOString()}); it would revoke sessions not yet issued. Give a time no later than now.`,
        );
      }
      if (d.getTime() <= req.now.getTime()) {
        before = d;
        upToNow = false;
      }
    }
    // Revoking "up to now" must also catch a session issued in this same millisecond.
    const cutoff = upToNow ? new Date(before.getTime() + 1) : before;
    Object.assign(ctx.audit, { roleArn: arn, roleId: row.id, revokedIssuedBefore: before.toISOString() });
    await services.revocations.revokeRoleSessions(services.store, row.id, cutoff);
    return { IssuedBefore: before };
  },
});
