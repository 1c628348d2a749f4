import { IAMClient } from '@aws-sdk/client-iam';
import { seal } from '../../../src/keys/envelope.js';
import { newAccessKeyId, newSecretAccessKey, newUniqueId } from '../../../src/tokens/ids.js';
import type { TestTessera } from '../../support/tessera.js';

/** An IAM client for a Tessera endpoint. */
export const iam = (url: string, credentials: { accessKeyId: string; secretAccessKey: string }) =>
  new IAMClient({ endpoint: url, region: 'us-east-1', credentials, maxAttempts: 1 });

/** An IAM user with one access key, written straight to the database (independent of the users API). */
export async function makeUser(t: TestTessera, name: string, path = '/') {
  const userId = newUniqueId('AIDA');
  const accessKeyId = newAccessKeyId('AKIA', t.accountId);
  const secretAccessKey = newSecretAccessKey();
  await t.database.db.query(`INSERT INTO users (user_id, account_id, user_name, path) VALUES ($1, $2, $3, $4)`, [userId, t.accountId, name, path]);
  await t.database.db.query(`INSERT INTO access_keys (access_key_id, account_id, user_id, secret_sealed) VALUES ($1, $2, $3, $4)`, [
    accessKeyId,
    t.accountId,
    userId,
    seal(t.services.masterKey, secretAccessKey, accessKeyId),
  ]);
  return { userId, name, arn: `arn:aws:iam::${t.accountId}:user${path}${name}`, credentials: { accessKeyId, secretAccessKey } };
}

export const doc = (statements: object[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });
export const allow = (action: string | string[], resource: string | string[] = '*', extra: object = {}) => ({ Effect: 'Allow', Action: action, Resource: resource, ...extra });
export const deny = (action: string | string[], resource: string | string[] = '*', extra: object = {}) => ({ Effect: 'Deny', Action: action, Resource: resource, ...extra });

/** The wire error code of an SDK error (the SDK names modeled errors after their shape, `…Exception`). */
export const code = (e: { name: string; Code?: string; Error?: { Code?: string } }) => e.Error?.Code ?? e.Code ?? e.name;
