import type { Sql } from './db.js';
import { PgConstraintError, isUniqueViolation } from './pg-errors.js';
import type { KeysetQuery } from './types.js';
import { USER_REF_COLUMNS, toUserRef, type UserRef, type UserRefRow } from './user-refs.js';

/** An IAM group. */
export interface Group {
  id: string;
  accountId: string;
  name: string;
  path: string;
  createdAt: Date;
}

/** What still refers to a group and keeps it from being deleted, in the order DeleteGroup reports them. */
export type GroupDependent = 'members' | 'inlinePolicies' | 'attachedPolicies';

/** The key groups are listed by (ListGroups, ListGroupsForUser): the name, case-folded. */
export const groupSortKey = (g: Pick<Group, 'name'>) => g.name.toLowerCase();
/** The key a group's members are listed by (GetGroup): the user name, case-folded. */
export const memberSortKey = (u: Pick<UserRef, 'name'>) => u.name.toLowerCase();

/** Storage of groups and memberships. */
export interface GroupRepository {
  /** The group named `name` (case-insensitively), or null. `lock` holds it FOR UPDATE (in a transaction). */
  get(accountId: string, name: string, opts?: { lock?: boolean }): Promise<Group | null>;
  /** Inserts the group; 'exists' when a group of that name (case-insensitively) exists. */
  insert(group: Group): Promise<Group | 'exists'>;
  /** Renames / moves the group; 'exists' when the new name is taken (in a transaction, that aborts it: throw). */
  update(groupId: string, name: string, path: string): Promise<true | 'exists'>;
  /** What refers to the group (members, inline policies, attached policies), in that order. */
  dependents(groupId: string): Promise<GroupDependent[]>;
  /** Deletes the group; 'members' when a membership still refers to it (a concurrent add; in a transaction, that aborts it: throw). */
  delete(groupId: string): Promise<true | 'members'>;
  /** Groups whose path starts with `pathPrefix`, in sort-key order, after `q.after`. */
  page(accountId: string, pathPrefix: string, q: KeysetQuery): Promise<Group[]>;
  /** The user's groups, in sort-key order, after `q.after`. */
  pageForUser(userId: string, q: KeysetQuery): Promise<Group[]>;
  /** The group's members, in member-sort-key order, after `q.after`. */
  members(groupId: string, q: KeysetQuery): Promise<UserRef[]>;
  /** How many groups the user is in, and whether `groupId` is one of them. */
  membership(userId: string, groupId: string): Promise<{ groups: number; member: boolean }>;
  addMember(groupId: string, userId: string, at: Date): Promise<void>;
  /** false when the user was not a member. */
  removeMember(groupId: string, userId: string): Promise<boolean>;
}

interface GroupRow {
  group_id: string;
  account_id: string;
  group_name: string;
  path: string;
  created_at: Date;
}

const COLUMNS = 'group_id, account_id, group_name, path, created_at';
const G_COLUMNS = 'g.group_id, g.account_id, g.group_name, g.path, g.created_at';
const U_COLUMNS = USER_REF_COLUMNS.split(', ').map((c) => `u.${c}`).join(', ');

const toGroup = (r: GroupRow): Group => ({ id: r.group_id, accountId: r.account_id, name: r.group_name, path: r.path, createdAt: r.created_at });

export class PgGroupRepository implements GroupRepository {
  constructor(protected readonly q: Sql) {}

  async get(accountId: string, name: string, opts: { lock?: boolean } = {}): Promise<Group | null> {
    const r = await this.q.query<GroupRow>(
      `SELECT ${COLUMNS} FROM groups WHERE account_id = $1 AND lower(group_name) = lower($2)${opts.lock ? ' FOR UPDATE' : ''}`,
      [accountId, name],
    );
    return r.rows[0] ? toGroup(r.rows[0]) : null;
  }

  async insert(g: Group): Promise<Group | 'exists'> {
    // ON CONFLICT, not a caught violation: a transaction the insert runs in stays usable.
    const r = await this.q.query<GroupRow>(
      `INSERT INTO groups (group_id, account_id, group_name, path, created_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT DO NOTHING RETURNING ${COLUMNS}`,
      [g.id, g.accountId, g.name, g.path, g.createdAt],
    );
    return r.rows[0] ? toGroup(r.rows[0]) : 'exists';
  }

  async update(groupId: string, name: string, path: string): Promise<true | 'exists'> {
    try {
      await this.q.query('UPDATE groups SET group_name = $2, path = $3 WHERE group_id = $1', [groupId, name, path]);
      return true;
    } catch (e) {
      if (isUniqueViolation(e)) return 'exists';
      throw e;
    }
  }

  async dependents(groupId: string): Promise<GroupDependent[]> {
    const r = await this.q.query<{ members: boolean; inline: boolean; attached: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM group_members WHERE group_id = $1) AS members,
              EXISTS (SELECT 1 FROM group_policies WHERE group_id = $1) AS inline,
              EXISTS (SELECT 1 FROM group_policy_attachments WHERE group_id = $1) AS attached`,
      [groupId],
    );
    const row = r.rows[0]!;
    const out: GroupDependent[] = [];
    if (row.members) out.push('members');
    if (row.inline) out.push('inlinePolicies');
    if (row.attached) out.push('attachedPolicies');
    return out;
  }

  async delete(groupId: string): Promise<true | 'members'> {
    try {
      await this.q.query('DELETE FROM groups WHERE group_id = $1', [groupId]);
      return true;
    } catch (e) {
      // group_members references groups: a membership added meanwhile.
      if (e instanceof PgConstraintError && e.pgCode === '23503') return 'members';
      throw e;
    }
  }

  async page(accountId: string, pathPrefix: string, q: KeysetQuery): Promise<Group[]> {
    const r = await this.q.query<GroupRow>(
      `SELECT ${COLUMNS} FROM groups
        WHERE account_id = $1 AND starts_with(path, $2) AND lower(group_name) > $3
        ORDER BY lower(group_name) LIMIT $4`,
      [accountId, pathPrefix, q.after ?? '', q.limit],
    );
    return r.rows.map(toGroup);
  }

  async pageForUser(userId: string, q: KeysetQuery): Promise<Group[]> {
    const r = await this.q.query<GroupRow>(
      `SELECT ${G_COLUMNS} FROM group_members m JOIN groups g ON g.group_id = m.group_id
        WHERE m.user_id = $1 AND lower(g.group_name) > $2
        ORDER BY lower(g.group_name) LIMIT $3`,
      [userId, q.after ?? '', q.limit],
    );
    return r.rows.map(toGroup);
  }

  async members(groupId: string, q: KeysetQuery): Promise<UserRef[]> {
    const r = await this.q.query<UserRefRow>(
      `SELECT ${U_COLUMNS} FROM group_members m JOIN users u ON u.user_id = m.user_id
        WHERE m.group_id = $1 AND lower(u.user_name) > $2
        ORDER BY lower(u.user_name) LIMIT $3`,
      [groupId, q.after ?? '', q.limit],
    );
    return r.rows.map(toUserRef);
  }

  async membership(userId: string, groupId: string): Promise<{ groups: number; member: boolean }> {
    const r = await this.q.query<{ n: number; member: boolean | null }>(
      'SELECT count(*)::int AS n, bool_or(group_id = $2) AS member FROM group_members WHERE user_id = $1',
      [userId, groupId],
    );
    return { groups: r.rows[0]!.n, member: r.rows[0]!.member === true };
  }

  async addMember(groupId: string, userId: string, at: Date): Promise<void> {
    await this.q.query('INSERT INTO group_members (group_id, user_id, added_at) VALUES ($1, $2, $3)', [groupId, userId, at]);
  }

  async removeMember(groupId: string, userId: string): Promise<boolean> {
    const r = await this.q.query('DELETE FROM group_members WHERE group_id = $1 AND user_id = $2', [groupId, userId]);
    return r.rowCount === 1;
  }
}
