import { Errors } from '../../errors/index.js';
import type { AuthedContext } from '../../protocols/operation.js';
import type { Repositories } from '../../store/store.js';
import type { OidcProvider } from '../../store/providers.js';
import { authorize } from '../authorize.js';
import { accountOf, parseIamArn, THUMBPRINTS_PER_OIDC_PROVIDER } from './shared.js';

/** Thumbprints must be SHA-1 hex (the model only says 40 characters), at most 5; stored lower-case. */
export function checkThumbprints(list: string[]): string[] {
  for (const t of list) if (!/^[0-9a-fA-F]{40}$/.test(t)) throw Errors.invalidInput(`Thumbprint ${t} is not a valid SHA-1 hex digest.`);
  if (list.length > THUMBPRINTS_PER_OIDC_PROVIDER) throw Errors.invalidInput('Thumbprint list must contain fewer than 5 entries.');
  return [...new Set(list.map((t) => t.toLowerCase()))];
}

export const notFound = (arn: string) => Errors.noSuchEntity(`OpenIDConnect Provider not found for arn ${arn}`);

/**
 * Authorize `action` on the provider ARN (before any lookup), then load it from `repos` (the
 * store, or a transaction's repositories with `lock`): NoSuchEntity when absent or another account's.
 */
export async function authorizedOidc(
  ctx: AuthedContext,
  action: string,
  arn: string,
  opts: { repos?: Repositories; lock?: boolean; extra?: Record<string, string | string[]> } = {},
): Promise<OidcProvider> {
  await authorize(ctx, `iam:${action}`, arn, opts.extra);
  const parsed = parseIamArn(arn, 'oidc-provider');
  if (parsed.accountId !== accountOf(ctx)) throw notFound(arn);
  const p = await (opts.repos ?? ctx.services.store).providers.getOidc(arn, { lock: opts.lock ?? false });
  if (!p) throw notFound(arn);
  return p;
}
