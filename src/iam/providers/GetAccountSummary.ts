import { defineOperation } from '../../protocols/operation.js';
import { authorize } from '../authorize.js';

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

export const GetAccountSummary = defineOperation({
  service: 'iam',
  name: 'GetAccountSummary',
  auth: 'sigv4',
  async run(ctx) {
    await authorize(ctx, 'iam:GetAccountSummary', '*');
    const c = await ctx.services.store.authorizationDetails.counts(ctx.caller.accountId);
    const entries: [string, number][] = [
      ['Users', c.users],
      ['Groups', c.groups],
      ['ServerCertificates', 0],
      ['MFADevices', c.mfaDevices],
      ['MFADevicesInUse', c.mfaDevicesInUse],
      ['AccountMFAEnabled', c.rootMfaEnabled ? 1 : 0],
      ['AccountAccessKeysPresent', c.rootAccessKeysPresent ? 1 : 0],
      ['AccountSigningCertificatesPresent', 0],
      ['Policies', c.policies],
      ['PolicyVersionsInUse', c.policyVersionsInUse],
      ['Roles', c.roles],
      ['InstanceProfiles', 0],
      ['Providers', c.providers],
      ...QUOTAS,
    ];
    return { SummaryMap: Object.fromEntries(entries) };
  },
});
