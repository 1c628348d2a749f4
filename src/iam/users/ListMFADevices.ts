import { defineOperation } from '../../awsquery/operation.js';
import { authorize } from '../authorize.js';
import { readName, readPage } from '../common.js';
import { pageOf, rowArn, targetUser } from './shared.js';
import type { MfaRow } from './mfa.js';

export const ListMFADevices = defineOperation({
  service: 'iam',
  name: 'ListMFADevices',
  auth: 'sigv4',
  parse: (p) => ({ UserName: readName(p, 'UserName', 128, false), page: readPage(p) }),
  run: async (ctx, i) => {
    const db = ctx.services.db;
    const u = await targetUser(ctx, db, i.UserName);
    await authorize(ctx, 'iam:ListMFADevices', rowArn(ctx, u));
    const r = await pageOf<MfaRow>(
      db,
      { select: 'SELECT serial_number, enable_date FROM mfa_devices', keySql: 'serial_number', where: 'user_id = $1', params: [u.user_id] },
      i.page,
      (d) => d.serial_number,
    );
    return {
      MFADevices: r.items.map((d) => ({ UserName: u.is_root ? undefined : u.user_name, SerialNumber: d.serial_number, EnableDate: d.enable_date ?? undefined })),
      IsTruncated: r.IsTruncated,
      Marker: r.Marker,
    };
  },
  render: (o) => o,
});
