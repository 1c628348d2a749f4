import { defineOperation } from '../../awsquery/operation.js';
import { Errors } from '../../errors/index.js';
import { authorize } from '../authorize.js';
import { findDevice, readSerial } from './mfa.js';
import { accountOf } from './shared.js';

export const DeleteVirtualMFADevice = defineOperation({
  service: 'iam',
  name: 'DeleteVirtualMFADevice',
  auth: 'sigv4',
  parse: (p) => ({ SerialNumber: readSerial(p) }),
  run: async (ctx, i) => {
    const db = ctx.services.db;
    await authorize(ctx, 'iam:DeleteVirtualMFADevice', i.SerialNumber);
    const serial = await db.tx(async (c) => {
      const d = await findDevice(c, accountOf(ctx), i.SerialNumber, true);
      if (d.user_id !== null) throw Errors.deleteConflict('MFA device is still in use.');
      await c.query('DELETE FROM mfa_devices WHERE serial_number = $1', [d.serial_number]);
      return d.serial_number;
    });
    ctx.audit.serialNumber = serial;
    return {};
  },
});
