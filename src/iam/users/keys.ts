import { Errors } from '../../errors/index.js';
import type { Input } from '../../awsquery/input.js';
import type { Q } from './shared.js';

export const ACCESS_KEYS_PER_USER = 2;

export interface KeyRow {
  access_key_id: string;
  user_id: string;
  status: string;
  created_at: Date;
  last_used_at: Date | null;
  last_used_service: string | null;
  last_used_region: string | null;
}

export const readAccessKeyId = (p: Input) => p.string('AccessKeyId', { required: true, min: 16, max: 128, pattern: /^[\w]+$/, patternText: '[\\w]+' })!;

export const noSuchKey = (id: string) => Errors.noSuchEntity(`The Access Key with id ${id} cannot be found.`);

/** A key of the given user (in the account), or NoSuchEntity. */
export async function findKey(q: Q, accountId: string, accessKeyId: string, userId?: string): Promise<KeyRow> {
  const r = await q.query<KeyRow>(
    `SELECT access_key_id, user_id, status, created_at, last_used_at, last_used_service, last_used_region
       FROM access_keys WHERE access_key_id = $1 AND account_id = $2`,
    [accessKeyId, accountId],
  );
  const row = r.rows[0];
  if (!row || (userId !== undefined && row.user_id !== userId)) throw noSuchKey(accessKeyId);
  return row;
}
