import { defineOperation } from '../../awsquery/operation.js';
import { Errors } from '../../errors/index.js';
import { seal } from '../../keys/envelope.js';
import { isUniqueViolation, translatePgError } from '../../store/pg-errors.js';
import { newTotpSeed, otpauthUri, qrPng } from '../../mfa/index.js';
import { authorize } from '../authorize.js';
import { assertUniqueTagKeys, readName, readPath, readTags } from '../common.js';
import { accountOf, arnFor, renderTags, tagContext } from './shared.js';

/**
 * A new, unassigned virtual MFA device. As in IAM, the seed is returned once, here only:
 * Base32StringSeed is base64 of the base32 seed string, QRCodePNG base64 of a PNG of the
 * otpauth:// URI.
 */
export const CreateVirtualMFADevice = defineOperation({
  service: 'iam',
  name: 'CreateVirtualMFADevice',
  auth: 'sigv4',
  parse: (p) => ({
    VirtualMFADeviceName: readName(p, 'VirtualMFADeviceName', 226)!,
    Path: readPath(p) ?? '/',
    Tags: readTags(p) ?? [],
  }),
  run: async (ctx, i) => {
    assertUniqueTagKeys(i.Tags);
    const serial = arnFor(ctx, `mfa${i.Path}${i.VirtualMFADeviceName}`);
    await authorize(ctx, 'iam:CreateVirtualMFADevice', serial, tagContext(i.Tags));
    const seed = newTotpSeed();
    const png = await qrPng(otpauthUri({ issuer: 'Tessera', label: `${i.VirtualMFADeviceName}@${accountOf(ctx)}`, secret: seed }));
    await ctx.services.db.tx(async (c) => {
      try {
        await c.query(
          `INSERT INTO mfa_devices (serial_number, account_id, device_name, path, seed_sealed, tags, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
          [serial, accountOf(ctx), i.VirtualMFADeviceName, i.Path, seal(ctx.services.masterKey, seed, serial), JSON.stringify(i.Tags), ctx.req.now],
        );
      } catch (e) {
        if (isUniqueViolation(translatePgError(e))) throw Errors.entityAlreadyExists('MFADevice entity at the same path and name already exists.');
        throw e;
      }
    });
    ctx.audit.serialNumber = serial;
    return {
      VirtualMFADevice: {
        SerialNumber: serial,
        Base32StringSeed: Buffer.from(seed, 'utf8').toString('base64'),
        QRCodePNG: png.toString('base64'),
        Tags: renderTags(i.Tags),
      },
    };
  },
  render: (o) => o,
});
