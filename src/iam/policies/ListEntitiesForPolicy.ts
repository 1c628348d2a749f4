import { defineOperation } from '../../protocols/operation.js';
import { policyEntitySortKey } from '../../store/policies.js';
import { decodeMarker, paginate } from '../common.js';
import { authorizePolicyAction, findPolicyRef } from './policy-ref.js';

export const ListEntitiesForPolicy = defineOperation({
  service: 'iam',
  name: 'ListEntitiesForPolicy',
  auth: 'sigv4',
  async run(ctx, input) {
    const maxItems = input.MaxItems ?? 100;
    await authorizePolicyAction(ctx, input.PolicyArn, 'iam:ListEntitiesForPolicy');
    const policy = await findPolicyRef(ctx, input.PolicyArn);
    const filter = input.EntityFilter;
    const aws = policy.accountId === undefined;
    const want = (k: 'User' | 'Role' | 'Group') =>
      filter === undefined || filter === k || (filter === 'LocalManagedPolicy' && !aws) || (filter === 'AWSManagedPolicy' && aws);
    const rows = await ctx.services.store.policies.entitiesPage(
      ctx.caller.accountId,
      input.PolicyArn,
      {
        users: want('User'),
        groups: want('Group'),
        roles: want('Role'),
        asPolicy: input.PolicyUsageFilter !== 'PermissionsBoundary',
        asBoundary: input.PolicyUsageFilter !== 'PermissionsPolicy',
        pathPrefix: input.PathPrefix ?? '/',
      },
      { after: decodeMarker(input.Marker), limit: maxItems + 1 },
    );
    const page = paginate(rows, { marker: input.Marker, maxItems }, policyEntitySortKey);
    return {
      PolicyGroups: page.items.filter((e) => e.kind === 'group').map((e) => ({ GroupName: e.name, GroupId: e.id })),
      PolicyUsers: page.items.filter((e) => e.kind === 'user').map((e) => ({ UserName: e.name, UserId: e.id })),
      PolicyRoles: page.items.filter((e) => e.kind === 'role').map((e) => ({ RoleName: e.name, RoleId: e.id })),
      IsTruncated: page.IsTruncated,
      ...(page.Marker ? { Marker: page.Marker } : {}),
    };
  },
});
