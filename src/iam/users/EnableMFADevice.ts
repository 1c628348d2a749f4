import { defineOperation } from '../../awsquery/operation.js';
import { Errors } from '../../errors/index.js';
import { open } from '../../keys/envelope.js';
import { verifyConsecutive } from '../../mfa/index.js';
import { authorize } from '../authorize.js';
import { findDevice, invalidCode, MFA_DEVICES_PER_USER, readDeviceCodes, throttledCodes } from './mfa.js';
import { accountOf, findUser, findUserById, rowArn, userArn } from './shared.js';

/**
 * Assigns a virtual device to a user after two consecutive codes; the codes are then spent.
 * Wrong codes are throttled per device and per user (throttledCodes).
 */
export const EnableMFADevice = defineOperation({
  service: 'iam',
  name: 'EnableMFADevice',
  auth: 'sigv4',
  parse: readDeviceCodes,
  run: async (ctx, i) => {
    const db = ctx.services.db;
    const found = await findUser(db, accountOf(ctx), i.UserName);
    await authorize(ctx, 'iam:EnableMFADevice', userArn(ctx, found.path, found.user_name));
    // Refusals that check no code come before the attempt is counted.
    const pre = await findDevice(db, accountOf(ctx), i.SerialNumber);
    if (pre.user_id !== null) throw Errors.entityAlreadyExists('MFA Device is already in use.');
    const who = { serialNumber: pre.serial_number, userId: found.user_id };
    const serial = await throttledCodes(ctx, 'EnableMFADevice', who, (note) =>
      db.tx(async (c) => {
        const u = (await findUserById(c, found.user_id, true)) ?? found;
        const d = await findDevice(c, accountOf(ctx), i.SerialNumber, true);
        if (d.user_id !== null) throw Errors.entityAlreadyExists('MFA Device is already in use.');
        const n = await c.query<{ n: number }>('SELECT count(*)::int AS n FROM mfa_devices WHERE user_id = $1', [u.user_id]);
        if (n.rows[0]!.n >= MFA_DEVICES_PER_USER) throw Errors.limitExceeded(`Cannot exceed quota for MFADevicesPerUser: ${MFA_DEVICES_PER_USER}`);
        const seed = open(ctx.services.masterKey, d.seed_sealed, d.serial_number).toString('utf8');
        const v = verifyConsecutive(seed, i.AuthenticationCode1, i.AuthenticationCode2, ctx.req.now, d.last_counter);
        note(v.ok);
        if (!v.ok) throw invalidCode();
        await c.query('UPDATE mfa_devices SET user_id = $2, enable_date = $3, last_counter = $4 WHERE serial_number = $1', [
          d.serial_number,
          u.user_id,
          ctx.req.now,
          v.counter,
        ]);
        ctx.audit.userArn = rowArn(ctx, u);
        return d.serial_number;
      }),
    );
    ctx.audit.serialNumber = serial;
    await ctx.services.invalidate({ kind: 'principal', principalId: found.user_id });
    return {};
  },
});
