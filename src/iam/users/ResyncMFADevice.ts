import { defineOperation } from '../../awsquery/operation.js';
import { open } from '../../keys/envelope.js';
import { verifyConsecutive } from '../../mfa/index.js';
import { authorize } from '../authorize.js';
import { findDevice, invalidCode, noSuchDevice, readDeviceCodes, throttledCodes } from './mfa.js';
import { accountOf, findUser, userArn } from './shared.js';

/**
 * Re-aligns a drifted device: two consecutive codes anywhere within ±20 minutes. Wrong codes
 * are throttled per device and per user (throttledCodes).
 */
export const ResyncMFADevice = defineOperation({
  service: 'iam',
  name: 'ResyncMFADevice',
  auth: 'sigv4',
  parse: readDeviceCodes,
  run: async (ctx, i) => {
    const db = ctx.services.db;
    const u = await findUser(db, accountOf(ctx), i.UserName);
    await authorize(ctx, 'iam:ResyncMFADevice', userArn(ctx, u.path, u.user_name));
    // A device that is not this user's checks no code and counts nothing.
    const pre = await findDevice(db, accountOf(ctx), i.SerialNumber);
    if (pre.user_id !== u.user_id) throw noSuchDevice(i.SerialNumber);
    await throttledCodes(ctx, 'ResyncMFADevice', { serialNumber: pre.serial_number, userId: u.user_id }, (note) =>
      db.tx(async (c) => {
        const d = await findDevice(c, accountOf(ctx), i.SerialNumber, true);
        if (d.user_id !== u.user_id) throw noSuchDevice(i.SerialNumber);
        const seed = open(ctx.services.masterKey, d.seed_sealed, d.serial_number).toString('utf8');
        const v = verifyConsecutive(seed, i.AuthenticationCode1, i.AuthenticationCode2, ctx.req.now, d.last_counter, { past: 40, future: 40 });
        note(v.ok);
        if (!v.ok) throw invalidCode();
        await c.query('UPDATE mfa_devices SET last_counter = $2 WHERE serial_number = $1', [d.serial_number, v.counter]);
      }),
    );
    ctx.audit.serialNumber = i.SerialNumber;
    return {};
  },
});
