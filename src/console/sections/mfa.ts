import type { CreateVirtualMFADeviceResponse, ListVirtualMFADevicesResponse } from '../../protocols/generated/iam.js';
import { query } from '../../web/console/admin-ui.js';
import { mfaContent, mfaEnableContent } from '../../web/console/mfa.js';
import { mutate, page, redirect, refusal, type Section, statusOf } from './kit.js';

const BACK = '/console/mfa';
const STATUSES = new Set(['Any', 'Assigned', 'Unassigned']);

/**
 * /console/mfa: virtual MFA devices (ListVirtualMFADevices), create + enable for a user with the
 * QR code (CreateVirtualMFADevice's PNG as a data: URL; the seed is on that one page, never
 * stored or put in a URL), deactivate, delete, resync.
 */
export const mfaSection: Section = {
  id: 'mfa',
  title: 'MFA devices',
  path: BACK,
  routes: [
    {
      method: 'GET',
      path: BACK,
      async handle(cx) {
        const status = STATUSES.has(cx.field('status') ?? '') ? cx.field('status')! : 'Any';
        const marker = cx.field('marker') || undefined;
        try {
          const out = await cx.call<ListVirtualMFADevicesResponse>('ListVirtualMFADevices', { AssignmentStatus: status, Marker: marker, MaxItems: '100' });
          const nextHref = out.IsTruncated && out.Marker ? `${BACK}${query({ status, marker: out.Marker })}` : undefined;
          return page('MFA devices', mfaContent({ status, devices: out.VirtualMFADevices, nextHref, csrf: cx.csrf }));
        } catch (e) {
          const msg = refusal(e);
          return page('MFA devices', mfaContent({ status, devices: [], csrf: cx.csrf, error: msg }), statusOf(msg));
        }
      },
    },
    {
      method: 'POST',
      path: `${BACK}/create`,
      async handle(cx) {
        const user = cx.field('user')?.trim() ?? '';
        const device = cx.field('device')?.trim() ?? '';
        if (user === '') return redirect(BACK, 'Name the IAM user the device is for.', true);
        try {
          // The user must exist (and be visible to this role) before a device is made for them.
          await cx.call('GetUser', { UserName: user });
          const out = await cx.call<CreateVirtualMFADeviceResponse>('CreateVirtualMFADevice', { VirtualMFADeviceName: device });
          const d = out.VirtualMFADevice;
          const qr = d.QRCodePNG ? `data:image/png;base64,${Buffer.from(d.QRCodePNG).toString('base64')}` : undefined;
          const seed = d.Base32StringSeed ? Buffer.from(d.Base32StringSeed).toString('utf8') : undefined;
          return page('Enable MFA', mfaEnableContent({ user, serial: d.SerialNumber, qrDataUrl: qr, seed, csrf: cx.csrf }));
        } catch (e) {
          return redirect(BACK, refusal(e), true);
        }
      },
    },
    {
      method: 'POST',
      path: `${BACK}/enable`,
      async handle(cx) {
        const user = cx.field('user') ?? '';
        const serial = cx.field('serial') ?? '';
        try {
          await cx.call('EnableMFADevice', { UserName: user, SerialNumber: serial, AuthenticationCode1: cx.field('code1'), AuthenticationCode2: cx.field('code2') });
          return redirect(BACK, `MFA device ${serial} enabled for ${user}.`);
        } catch (e) {
          // The codes were wrong or late: ask again (the QR code is not shown twice).
          return page('Enable MFA', mfaEnableContent({ user, serial, csrf: cx.csrf, error: refusal(e) }), 400);
        }
      },
    },
    {
      method: 'POST',
      path: `${BACK}/deactivate`,
      handle: (cx) => mutate(BACK, `MFA device ${cx.field('serial') ?? ''} deactivated.`, () => cx.call('DeactivateMFADevice', { UserName: cx.field('user'), SerialNumber: cx.field('serial') })),
    },
    {
      method: 'POST',
      path: `${BACK}/delete`,
      handle: (cx) => mutate(BACK, `MFA device ${cx.field('serial') ?? ''} deleted.`, () => cx.call('DeleteVirtualMFADevice', { SerialNumber: cx.field('serial') })),
    },
    {
      method: 'POST',
      path: `${BACK}/resync`,
      handle: (cx) =>
        mutate(BACK, `MFA device ${cx.field('serial') ?? ''} resynchronized.`, () =>
          cx.call('ResyncMFADevice', { UserName: cx.field('user'), SerialNumber: cx.field('serial'), AuthenticationCode1: cx.field('code1'), AuthenticationCode2: cx.field('code2') }),
        ),
    },
  ],
};
