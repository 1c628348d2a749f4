import { defineOperation } from '../../awsquery/operation.js';
import { authorize } from '../authorize.js';
import { readPage } from '../common.js';
import { accountOf, pageOf, renderTags, renderUser, type UserRow } from './shared.js';
import type { MfaRow } from './mfa.js';

type Row = MfaRow & { u_user_id: string | null } & { [K in keyof UserRow as `u_${K}`]: UserRow[K] };

export const ListVirtualMFADevices = defineOperation({
  service: 'iam',
  name: 'ListVirtualMFADevices',
  auth: 'sigv4',
  parse: (p) => ({
    AssignmentStatus: p.string('AssignmentStatus', { enum: ['Assigned', 'Unassigned', 'Any'] }) ?? 'Any',
    page: readPage(p),
  }),
  run: async (ctx, i) => {
    await authorize(ctx, 'iam:ListVirtualMFADevices', '*');
    const filter = i.AssignmentStatus === 'Assigned' ? ' AND d.user_id IS NOT NULL' : i.AssignmentStatus === 'Unassigned' ? ' AND d.user_id IS NULL' : '';
    const r = await pageOf<Row>(
      ctx.services.db,
      {
        select: `SELECT d.serial_number, d.enable_date, d.tags, u.user_id AS u_user_id, u.account_id AS u_account_id, u.user_name AS u_user_name,
                        u.path AS u_path, u.is_root AS u_is_root, u.permissions_boundary AS u_permissions_boundary,
                        u.created_at AS u_created_at, u.password_last_used AS u_password_last_used, u.tags AS u_tags
                   FROM mfa_devices d LEFT JOIN users u ON u.user_id = d.user_id`,
        keySql: 'd.serial_number',
        where: `d.account_id = $1${filter}`,
        params: [accountOf(ctx)],
      },
      i.page,
      (d) => d.serial_number,
    );
    return {
      VirtualMFADevices: r.items.map((d) => ({
        SerialNumber: d.serial_number,
        User:
          d.u_user_id === null
            ? undefined
            : renderUser(ctx, {
                user_id: d.u_user_id,
                account_id: d.u_account_id,
                user_name: d.u_user_name,
                path: d.u_path,
                is_root: d.u_is_root,
                permissions_boundary: d.u_permissions_boundary,
                created_at: d.u_created_at,
                password_last_used: d.u_password_last_used,
                tags: d.u_tags,
              }),
        EnableDate: d.enable_date ?? undefined,
        Tags: renderTags(d.tags),
      })),
      IsTruncated: r.IsTruncated,
      Marker: r.Marker,
    };
  },
  render: (o) => o,
});
