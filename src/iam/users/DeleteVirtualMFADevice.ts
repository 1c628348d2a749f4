import { defineOperation } from '../../protocols/operation.js';
import { Errors } from '../../errors/index.js';
import { authorize } from '../authorize.js';
import { findDevice } from './mfa.js';
import { accountOf } from './shared.js';

export const DeleteVirtualMFADevice = defineOperation({
  service: 'iam',
  name: 'DeleteVirtualMFADevice',
  auth: 'sigv4',
  async run(ctx, input) {
    await authorize(ctx, 'iam:DeleteVirtualMFADevice', input.SerialNumber);
    const serial = await ctx.services.store.tx(async (t) => {
      const d = await findDevice(t.mfa, accountOf(ctx), input.SerialNumber, true);
      if (d.userId !== undefined) throw Errors.deleteConflict('MFA device is still in use.');
      await t.mfa.delete(d.serialNumber);
      return d.serialNumber;
    });
    ctx.audit.serialNumber = serial;
  },
});
