import { Errors } from '../../errors/index.js';
import type { AuthedContext } from '../../protocols/operation.js';
import type { SamlMetadata } from '../../federation/saml/metadata.js';
import type { SamlProvider } from '../../store/providers.js';
import type { Repositories } from '../../store/store.js';
import { workerPool } from '../../workers/pool.js';
import { authorize } from '../authorize.js';
import { samlArnParts } from './saml-repo.js';
import { accountOf, parseIamArn } from './shared.js';

export const notFound = (arn: string) => Errors.noSuchEntity(`Manifest not found for arn ${arn}`);

/** IAM keeps providers whose metadata has no validUntil valid for 100 years. */
export function validUntilOf(md: SamlMetadata, now: Date): Date {
  if (md.validUntil) return md.validUntil;
  const d = new Date(now.getTime());
  d.setUTCFullYear(d.getUTCFullYear() + 100);
  return d;
}

/** Parsed in the SAML worker pool: a metadata document may be megabytes of hostile XML. */
export const parseMetadata = (doc: string): Promise<SamlMetadata> => workerPool('saml').run('saml.metadata', { xml: doc });

/**
 * Authorize `action` on the provider ARN (before any lookup), then load it from `repos` (the
 * store, or a transaction's repositories with `lock`): NoSuchEntity when absent or another account's.
 */
export async function authorizedSaml(
  ctx: AuthedContext,
  action: string,
  arn: string,
  opts: { repos?: Repositories; lock?: boolean; extra?: Record<string, string | string[]> } = {},
): Promise<SamlProvider> {
  await authorize(ctx, `iam:${action}`, arn, opts.extra);
  const parsed = parseIamArn(arn, 'saml-provider');
  if (parsed.accountId !== accountOf(ctx)) throw notFound(arn);
  const parts = samlArnParts(arn);
  const p = parts ? await (opts.repos ?? ctx.services.store).providers.getSaml(parts.accountId, parts.name, { lock: opts.lock ?? false }) : null;
  if (!p) throw notFound(arn);
  return p;
}
