import { defineOperation } from '../../protocols/operation.js';
import { Errors } from '../../errors/index.js';
import type { GetAccountAuthorizationDetailsRequest, GetAccountAuthorizationDetailsResponse } from '../../protocols/generated/iam.js';
import { authorizationSortKey, type AuthorizationDetailsRepository } from '../../store/authorization-details.js';
import { authorize } from '../authorize.js';
import { decodeMarker, encodeMarker, partitionOf } from '../common.js';
import { groupDetailShape, managedPolicyDetailShape, roleDetailShape, userDetailShape } from './authorization-details-shape.js';

type Filter = NonNullable<GetAccountAuthorizationDetailsRequest['Filter']>[number];

/**
 * The kinds in the order AWS lists them (users, groups, roles, then policies: the account's own
 * before the AWS managed ones it uses), each with the Filter value that selects it.
 */
const KINDS = [
  { kind: 'users', filter: 'User' },
  { kind: 'groups', filter: 'Group' },
  { kind: 'roles', filter: 'Role' },
  { kind: 'local', filter: 'LocalManagedPolicy' },
  { kind: 'aws', filter: 'AWSManagedPolicy' },
] as const satisfies readonly { kind: string; filter: Filter }[];
type Kind = (typeof KINDS)[number]['kind'];

/** The Marker: the kind of the last entity returned and its sort key within that kind. */
const encodePosition = (kind: Kind, key: string) => encodeMarker(`${kind}/${key}`);
function decodePosition(marker: string | undefined): { index: number; after: string } | undefined {
  const s = decodeMarker(marker);
  if (s === undefined) return undefined;
  const slash = s.indexOf('/');
  const index = KINDS.findIndex((k) => k.kind === s.slice(0, slash));
  if (slash < 0 || index < 0) throw Errors.invalidInput('Invalid Marker.');
  return { index, after: s.slice(slash + 1) };
}

type Entry =
  | { kind: 'users'; e: Awaited<ReturnType<AuthorizationDetailsRepository['users']>>[number] }
  | { kind: 'groups'; e: Awaited<ReturnType<AuthorizationDetailsRepository['groups']>>[number] }
  | { kind: 'roles'; e: Awaited<ReturnType<AuthorizationDetailsRepository['roles']>>[number] }
  | { kind: 'local' | 'aws'; e: Awaited<ReturnType<AuthorizationDetailsRepository['policies']>>[number] };

async function read(repo: AuthorizationDetailsRepository, accountId: string, kind: Kind, after: string | undefined, limit: number): Promise<Entry[]> {
  const q = after === undefined ? { limit } : { after, limit };
  switch (kind) {
    case 'users':
      return (await repo.users(accountId, q)).map((e) => ({ kind, e }));
    case 'groups':
      return (await repo.groups(accountId, q)).map((e) => ({ kind, e }));
    case 'roles':
      return (await repo.roles(accountId, q)).map((e) => ({ kind, e }));
    case 'local':
    case 'aws':
      return (await repo.policies(accountId, kind, q)).map((e) => ({ kind, e }));
  }
}

/**
 * Every user, group, role and managed policy of the account with their relationships, in one
 * list paged by Marker/MaxItems across the kinds. A page reads at most MaxItems+1 entities, kind
 * after kind from the Marker's position, each kind by its indexed keyset ordering: never the
 * whole account. AWS managed policies appear when something in the account uses them.
 */
export const GetAccountAuthorizationDetails = defineOperation({
  service: 'iam',
  name: 'GetAccountAuthorizationDetails',
  auth: 'sigv4',
  async run(ctx, input) {
    await authorize(ctx, 'iam:GetAccountAuthorizationDetails', '*');
    const maxItems = input.MaxItems ?? 100;
    const want = new Set<Filter>(input.Filter && input.Filter.length > 0 ? input.Filter : KINDS.map((k) => k.filter));
    const from = decodePosition(input.Marker);
    const accountId = ctx.caller.accountId;
    const repo = ctx.services.store.authorizationDetails;
    const entries: Entry[] = [];
    for (let i = from?.index ?? 0; i < KINDS.length && entries.length <= maxItems; i++) {
      const k = KINDS[i]!;
      if (!want.has(k.filter)) continue;
      entries.push(...(await read(repo, accountId, k.kind, i === from?.index ? from.after : undefined, maxItems + 1 - entries.length)));
    }
    const page = entries.slice(0, maxItems);
    const part = partitionOf(ctx);
    const out: GetAccountAuthorizationDetailsResponse = { UserDetailList: [], GroupDetailList: [], RoleDetailList: [], Policies: [] };
    for (const x of page) {
      if (x.kind === 'users') out.UserDetailList!.push(userDetailShape(x.e, part, accountId));
      else if (x.kind === 'groups') out.GroupDetailList!.push(groupDetailShape(x.e, part, accountId));
      else if (x.kind === 'roles') out.RoleDetailList!.push(roleDetailShape(x.e));
      else out.Policies!.push(managedPolicyDetailShape(x.e));
    }
    const last = page[page.length - 1];
    if (entries.length > maxItems && last) return { ...out, IsTruncated: true, Marker: encodePosition(last.kind, authorizationSortKey(last.e)) };
    return { ...out, IsTruncated: false };
  },
});
