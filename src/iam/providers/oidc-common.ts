import { Errors } from '../../errors/index.js';
import type { Input } from '../../awsquery/input.js';
import type { AuthedContext } from '../../awsquery/operation.js';
import { authorize } from '../authorize.js';
import { loadOidcProvider, type OidcProviderRow } from './oidc-repo.js';
import { accountOf, parseIamArn, type Sql } from './shared.js';

export const readOidcArn = (p: Input) => p.string('OpenIDConnectProviderArn', { required: true, min: 20, max: 2048 });

export const readClientId = (p: Input, field: string) => p.string(field, { required: true, min: 1, max: 255 });

export const readThumbprints = (p: Input, required: boolean) =>
  p.stringList('ThumbprintList', { required, min: 40, max: 40 }) ?? [];

export function checkThumbprints(list: string[]): string[] {
  for (const t of list) if (!/^[0-9a-fA-F]{40}$/.test(t)) throw Errors.invalidInput(`Thumbprint ${t} is not a valid SHA-1 hex digest.`);
  if (list.length > 5) throw Errors.invalidInput('Thumbprint list must contain fewer than 5 entries.');
  return [...new Set(list.map((t) => t.toLowerCase()))];
}

export const notFound = (arn: string) => Errors.noSuchEntity(`OpenIDConnect Provider not found for arn ${arn}`);

/** Authorize `action` on the provider ARN, then load it (NoSuchEntity when absent or another account's). */
export async function authorizedOidc(
  ctx: AuthedContext,
  action: string,
  arn: string,
  opts: { db?: Sql; forUpdate?: boolean; extra?: Record<string, string | string[]> } = {},
): Promise<OidcProviderRow> {
  await authorize(ctx, `iam:${action}`, arn, opts.extra);
  const db = opts.db ?? ctx.services.db;
  const forUpdate = opts.forUpdate ?? false;
  const parsed = parseIamArn(arn, 'oidc-provider');
  if (parsed.accountId !== accountOf(ctx)) throw notFound(arn);
  const p = await loadOidcProvider(db, arn, forUpdate);
  if (!p) throw notFound(arn);
  return p;
}
