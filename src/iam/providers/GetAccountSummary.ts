import { defineOperation } from '../../awsquery/operation.js';
import { xmlMap } from '../../awsquery/xml.js';
import { authorize } from '../authorize.js';
import { accountOf, type Sql } from './shared.js';

/** IAM's fixed quotas as GetAccountSummary reports them. */
const QUOTAS: [string, number][] = [
  ['UsersQuota', 5000],
  ['GroupsQuota', 300],
  ['ServerCertificatesQuota', 20],
  ['UserPolicySizeQuota', 2048],
  ['GroupPolicySizeQuota', 5120],
  ['GroupsPerUserQuota', 10],
  ['SigningCertificatesPerUserQuota', 2],
  ['AccessKeysPerUserQuota', 2],
  ['AttachedPoliciesPerGroupQuota', 10],
  ['AttachedPoliciesPerRoleQuota', 10],
  ['AttachedPoliciesPerUserQuota', 10],
  ['PoliciesQuota', 1500],
  ['PolicySizeQuota', 6144],
  ['PolicyVersionsInUseQuota', 10000],
  ['VersionsPerPolicyQuota', 5],
  ['GlobalEndpointTokenVersion', 1],
  ['RolesQuota', 1000],
  ['RolePolicySizeQuota', 10240],
  ['InstanceProfilesQuota', 1000],
  ['AssumeRolePolicySizeQuota', 2048],
];

const TABLES = ['groups', 'mfa_devices', 'roles', 'policies', 'user_policy_attachments', 'group_policy_attachments', 'role_policy_attachments', 'oidc_providers', 'saml_providers'];

/** Which of the tables (of IAM parts A, B and C) exist yet: the summary works at every migration stage. */
async function existing(db: Sql): Promise<Set<string>> {
  const r = await db.query(`SELECT t FROM unnest($1::text[]) t WHERE to_regclass(t) IS NOT NULL`, [TABLES]);
  return new Set(r.rows.map((x) => x.t as string));
}

export const GetAccountSummary = defineOperation({
  service: 'iam',
  name: 'GetAccountSummary',
  auth: 'sigv4',
  parse: () => ({}),
  async run(ctx) {
    await authorize(ctx, 'iam:GetAccountSummary', '*');
    const db = ctx.services.db;
    const has = await existing(db);
    const count = (table: string, where: string) => (has.has(table) ? `(SELECT count(*)::int FROM ${table} WHERE ${where})` : '0');
    const attached = ['user_policy_attachments', 'group_policy_attachments', 'role_policy_attachments']
      .map((t) => (has.has(t) && has.has('policies') ? `(SELECT count(*)::int FROM ${t} a JOIN policies p ON p.arn = a.policy_arn WHERE p.account_id = $1)` : '0'))
      .join(' + ');
    const r = await db.query(
      `SELECT
         (SELECT count(*)::int FROM users WHERE account_id = $1 AND NOT is_root) AS "Users",
         ${count('groups', 'account_id = $1')} AS "Groups",
         ${count('mfa_devices', 'account_id = $1')} AS "MFADevices",
         ${count('mfa_devices', 'account_id = $1 AND user_id IS NOT NULL')} AS "MFADevicesInUse",
         ${count('mfa_devices', 'account_id = $1 AND user_id = $1')} AS "AccountMFAEnabled",
         (SELECT count(*)::int FROM access_keys WHERE user_id = $1) AS "AccountAccessKeysPresent",
         ${count('roles', 'account_id = $1')} AS "Roles",
         ${count('policies', 'account_id = $1')} AS "Policies",
         (${attached}) AS "PolicyVersionsInUse",
         ${count('oidc_providers', 'account_id = $1')} + ${count('saml_providers', 'account_id = $1')} AS "Providers"`,
      [accountOf(ctx)],
    );
    const c = r.rows[0] as Record<string, number>;
    const entries: [string, number][] = [
      ['Users', c.Users ?? 0],
      ['Groups', c.Groups ?? 0],
      ['ServerCertificates', 0],
      ['MFADevices', c.MFADevices ?? 0],
      ['MFADevicesInUse', c.MFADevicesInUse ?? 0],
      ['AccountMFAEnabled', (c.AccountMFAEnabled ?? 0) > 0 ? 1 : 0],
      ['AccountAccessKeysPresent', (c.AccountAccessKeysPresent ?? 0) > 0 ? 1 : 0],
      ['AccountSigningCertificatesPresent', 0],
      ['Policies', c.Policies ?? 0],
      ['PolicyVersionsInUse', c.PolicyVersionsInUse ?? 0],
      ['Roles', c.Roles ?? 0],
      ['InstanceProfiles', 0],
      ['Providers', c.Providers ?? 0],
      ...QUOTAS,
    ];
    return entries;
  },
  render: (entries) => ({ SummaryMap: xmlMap(entries) }),
});
