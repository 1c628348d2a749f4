import { describe, expect, it } from 'vitest';
import { newTotpSeed, otpauthUri, qrPng } from '../../../src/mfa/index.js';
import { serviceModel } from '../../../src/protocols/model.js';
import { serializeQueryOutput } from '../../../src/protocols/query-output.js';
import { modelSuccessXml } from '../../../src/protocols/query-xml.js';
import { SERVICES } from '../../../src/protocols/operation.js';

/**
 * CreateVirtualMFADevice's seed and QR code are blobs in the model (Uint8Array in the operation,
 * base64 on the Query wire). The answer's bytes must be those the hand-written renderer sent
 * before the operation moved to the model (base64 strings put into the XML as they were).
 */
describe('CreateVirtualMFADevice on the wire', () => {
  it('serializes Base32StringSeed and QRCodePNG byte for byte as the legacy renderer did', async () => {
    const seed = newTotpSeed();
    const png = await qrPng(otpauthUri({ issuer: 'Tessera', label: 'dev@123456789012', secret: seed }));
    const serial = 'arn:aws:iam::123456789012:mfa/team/dev';
    const tags = [{ Key: 'team', Value: 'a' }];
    const ns = SERVICES.iam.namespace;
    // What the hand-written renderer sent (base64 strings as element text, model member order).
    const legacy =
      `<CreateVirtualMFADeviceResponse xmlns="${ns}"><CreateVirtualMFADeviceResult><VirtualMFADevice>` +
      `<SerialNumber>${serial}</SerialNumber><Base32StringSeed>${Buffer.from(seed, 'utf8').toString('base64')}</Base32StringSeed>` +
      `<QRCodePNG>${png.toString('base64')}</QRCodePNG><Tags><member><Key>team</Key><Value>a</Value></member></Tags>` +
      `</VirtualMFADevice></CreateVirtualMFADeviceResult><ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata></CreateVirtualMFADeviceResponse>`;
    const shape = serviceModel('iam').operations.get('CreateVirtualMFADevice')!.output!;
    const model = modelSuccessXml('CreateVirtualMFADevice', ns, serializeQueryOutput(shape, {
      VirtualMFADevice: { SerialNumber: serial, Base32StringSeed: Buffer.from(seed, 'utf8'), QRCodePNG: new Uint8Array(png), Tags: tags },
    }), 'req-1');
    expect(model).toBe(legacy);
    expect(model).toContain(`<Base32StringSeed>${Buffer.from(seed).toString('base64')}</Base32StringSeed>`);
  });
});
