import { defineOperation } from '../../protocols/operation.js';
import { Errors } from '../../errors/index.js';
import { open } from '../../keys/envelope.js';
import { verifyConsecutive } from '../../mfa/index.js';
import { authorize } from '../authorize.js';
import { findDevice, invalidCode, MFA_DEVICES_PER_USER, throttledCodes } from './mfa.js';
import { accountOf, findUserRef, refArn, userArn } from './shared.js';

/**
 * Assigns a virtual device to a user after two consecutive codes; the codes are then spent.
 * Wrong codes are throttled per device and per user (throttledCodes).
 */
export const EnableMFADevice = defineOperation({
  service: 'iam',
  name: 'EnableMFADevice',
  auth: 'sigv4',
  async run(ctx, input) {
    const store = ctx.services.store;
    const found = await findUserRef(ctx, store.userRefs, input.UserName);
    await authorize(ctx, 'iam:EnableMFADevice', userArn(ctx, found.path, found.name));
    // Refusals that check no code come before the attempt is counted.
    const pre = await findDevice(store.mfa, accountOf(ctx), input.SerialNumber);
    if (pre.userId !== undefined) throw Errors.entityAlreadyExists('MFA Device is already in use.');
    const who = { serialNumber: pre.serialNumber, userId: found.id };
    const serial = await throttledCodes(ctx, 'EnableMFADevice', who, (note) =>
      store.tx(async (t) => {
        const u = (await t.userRefs.byId(found.id, { lock: true })) ?? found;
        const d = await findDevice(t.mfa, accountOf(ctx), input.SerialNumber, true);
        if (d.userId !== undefined) throw Errors.entityAlreadyExists('MFA Device is already in use.');
        if ((await t.mfa.countForUser(u.id)) >= MFA_DEVICES_PER_USER) throw Errors.limitExceeded(`Cannot exceed quota for MFADevicesPerUser: ${MFA_DEVICES_PER_USER}`);
        const seed = open(ctx.services.masterKey, d.seedSealed, d.serialNumber).toString('utf8');
        const v = verifyConsecutive(seed, input.AuthenticationCode1, input.AuthenticationCode2, ctx.req.now, d.lastCounter ?? null);
        note(v.ok);
        if (!v.ok) throw invalidCode();
        await t.mfa.enable(d.serialNumber, u.id, ctx.req.now, v.counter);
        await ctx.services.invalidate({ kind: 'principal', principalId: found.id }, t);
        ctx.audit.userArn = refArn(ctx, u);
        return d.serialNumber;
      }),
    );
    ctx.audit.serialNumber = serial;
  },
});
