import { defineOperation } from '../../awsquery/operation.js';
import { authorize } from '../authorize.js';
import { readName } from '../common.js';
import { findDevice, noSuchDevice, readSerial } from './mfa.js';
import { rowArn, targetUser } from './shared.js';

/** Unassigns the device from the user; the virtual device itself remains (DeleteVirtualMFADevice). */
export const DeactivateMFADevice = defineOperation({
  service: 'iam',
  name: 'DeactivateMFADevice',
  auth: 'sigv4',
  parse: (p) => ({ UserName: readName(p, 'UserName', 128, false), SerialNumber: readSerial(p) }),
  run: async (ctx, i) => {
    const db = ctx.services.db;
    const u = await targetUser(ctx, db, i.UserName);
    await authorize(ctx, 'iam:DeactivateMFADevice', rowArn(ctx, u));
    await db.tx(async (c) => {
      const d = await findDevice(c, u.account_id, i.SerialNumber, true);
      if (d.user_id !== u.user_id) throw noSuchDevice(i.SerialNumber);
      await c.query('UPDATE mfa_devices SET user_id = NULL, enable_date = NULL WHERE serial_number = $1', [d.serial_number]);
    });
    ctx.audit.serialNumber = i.SerialNumber;
    await ctx.services.invalidate({ kind: 'principal', principalId: u.user_id });
    return {};
  },
});
