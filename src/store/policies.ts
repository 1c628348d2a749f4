import type { Sql } from './db.js';

/** Storage of managed policies and versions, attachments, inline (user/group/role) policies, boundary use. */
export interface PolicyRepository {}

export class PgPolicyRepository implements PolicyRepository {
  constructor(protected readonly q: Sql) {}
}
