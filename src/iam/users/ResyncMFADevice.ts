import { defineOperation } from '../../protocols/operation.js';
import { open } from '../../keys/envelope.js';
import { verifyConsecutive } from '../../mfa/index.js';
import { authorize } from '../authorize.js';
import { findDevice, invalidCode, noSuchDevice, throttledCodes } from './mfa.js';
import { accountOf, findUserRef, userArn } from './shared.js';

/**
 * Re-aligns a drifted device: two consecutive codes anywhere within ±20 minutes. Wrong codes
 * are throttled per device and per user (throttledCodes).
 */
export const ResyncMFADevice = defineOperation({
  service: 'iam',
  name: 'ResyncMFADevice',
  auth: 'sigv4',
  async run(ctx, input) {
    const store = ctx.services.store;
    const u = await findUserRef(ctx, store.userRefs, input.UserName);
    await authorize(ctx, 'iam:ResyncMFADevice', userArn(ctx, u.path, u.name));
    // A device that is not this user's checks no code and counts nothing.
    const pre = await findDevice(store.mfa, accountOf(ctx), input.SerialNumber);
    if (pre.userId !== u.id) throw noSuchDevice(input.SerialNumber);
    await throttledCodes(ctx, 'ResyncMFADevice', { serialNumber: pre.serialNumber, userId: u.id }, (note) =>
      store.tx(async (t) => {
        const d = await findDevice(t.mfa, accountOf(ctx), input.SerialNumber, true);
        if (d.userId !== u.id) throw noSuchDevice(input.SerialNumber);
        const seed = open(ctx.services.masterKey, d.seedSealed, d.serialNumber).toString('utf8');
        const v = verifyConsecutive(seed, input.AuthenticationCode1, input.AuthenticationCode2, ctx.req.now, d.lastCounter ?? null, { past: 40, future: 40 });
        note(v.ok);
        if (!v.ok) throw invalidCode();
        await t.mfa.setCounter(d.serialNumber, v.counter);
      }),
    );
    ctx.audit.serialNumber = input.SerialNumber;
  },
});
