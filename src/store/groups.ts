import type { Sql } from './db.js';

/** Storage of groups and memberships. */
export interface GroupRepository {}

export class PgGroupRepository implements GroupRepository {
  constructor(protected readonly q: Sql) {}
}
