import { defineOperation } from '../../protocols/operation.js';
import { authorize } from '../authorize.js';
import { findDevice, noSuchDevice } from './mfa.js';
import { refArn, targetUserRef } from './shared.js';

/** Unassigns the device from the user; the virtual device itself remains (DeleteVirtualMFADevice). */
export const DeactivateMFADevice = defineOperation({
  service: 'iam',
  name: 'DeactivateMFADevice',
  auth: 'sigv4',
  async run(ctx, input) {
    const store = ctx.services.store;
    const u = await targetUserRef(ctx, store.userRefs, input.UserName);
    await authorize(ctx, 'iam:DeactivateMFADevice', refArn(ctx, u));
    await store.tx(async (t) => {
      const d = await findDevice(t.mfa, u.accountId, input.SerialNumber, true);
      if (d.userId !== u.id) throw noSuchDevice(input.SerialNumber);
      await t.mfa.deactivate(d.serialNumber);
      await ctx.services.invalidate({ kind: 'principal', principalId: u.id }, t);
    });
    ctx.audit.serialNumber = input.SerialNumber;
  },
});
