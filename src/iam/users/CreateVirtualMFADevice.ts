import { defineOperation } from '../../protocols/operation.js';
import { Errors } from '../../errors/index.js';
import { seal } from '../../keys/envelope.js';
import { newTotpSeed, otpauthUri, qrPng } from '../../mfa/index.js';
import type { VirtualMFADevice } from '../../protocols/generated/iam.js';
import { authorize } from '../authorize.js';
import { assertUniqueTagKeys } from '../common.js';
import { accountOf, arnFor, renderTags, tagContext } from './shared.js';

/**
 * A new, unassigned virtual MFA device. As in IAM, the seed is returned once, here only:
 * Base32StringSeed is the base32 seed string's bytes, QRCodePNG the bytes of a PNG of the
 * otpauth:// URI (both blobs in the model: base64 on the Query wire).
 */
export const CreateVirtualMFADevice = defineOperation({
  service: 'iam',
  name: 'CreateVirtualMFADevice',
  auth: 'sigv4',
  async run(ctx, input) {
    const path = input.Path ?? '/';
    const tags = (input.Tags ?? []).map((t) => ({ Key: t.Key, Value: t.Value }));
    assertUniqueTagKeys(tags);
    const serial = arnFor(ctx, `mfa${path}${input.VirtualMFADeviceName}`);
    await authorize(ctx, 'iam:CreateVirtualMFADevice', serial, tagContext(tags));
    const seed = newTotpSeed(40, (n) => ctx.services.random.bytes(n));
    const png = await qrPng(otpauthUri({ issuer: 'Tessera', label: `${input.VirtualMFADeviceName}@${accountOf(ctx)}`, secret: seed }));
    await ctx.services.store.tx(async (t) => {
      const made = await t.mfa.insert({
        serialNumber: serial,
        accountId: accountOf(ctx),
        name: input.VirtualMFADeviceName,
        path,
        seedSealed: seal(ctx.services.masterKey, seed, serial),
        tags,
        createdAt: ctx.req.now,
      });
      if (made === 'exists') throw Errors.entityAlreadyExists('MFADevice entity at the same path and name already exists.');
    });
    ctx.audit.serialNumber = serial;
    const device: VirtualMFADevice = { SerialNumber: serial, Base32StringSeed: Buffer.from(seed, 'utf8'), QRCodePNG: png };
    const shownTags = renderTags(tags);
    if (shownTags) device.Tags = shownTags;
    return { VirtualMFADevice: device };
  },
});
