import { Errors } from '../../errors/index.js';
import type { Input } from '../../awsquery/input.js';
import type { AuthedContext } from '../../awsquery/operation.js';
import type { SamlMetadata } from '../../federation/saml/metadata.js';
import { workerPool } from '../../workers/pool.js';
import { authorize } from '../authorize.js';
import { loadSamlProvider, type SamlProviderRow } from './saml-repo.js';
import { accountOf, parseIamArn, type Sql } from './shared.js';

export const readSamlArn = (p: Input) => p.string('SAMLProviderArn', { required: true, min: 20, max: 2048 });

export const readMetadata = (p: Input, required: boolean) =>
  p.string('SAMLMetadataDocument', { required, min: 1000, max: 10_000_000, sensitive: true });

export const readEncryptionMode = (p: Input) => p.string('AssertionEncryptionMode', { enum: ['Required', 'Allowed'] });

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

export async function authorizedSaml(
  ctx: AuthedContext,
  action: string,
  arn: string,
  opts: { db?: Sql; forUpdate?: boolean; extra?: Record<string, string | string[]> } = {},
): Promise<SamlProviderRow> {
  await authorize(ctx, `iam:${action}`, arn, opts.extra);
  const parsed = parseIamArn(arn, 'saml-provider');
  if (parsed.accountId !== accountOf(ctx)) throw notFound(arn);
  const p = await loadSamlProvider(opts.db ?? ctx.services.db, arn, opts.forUpdate ?? false);
  if (!p) throw notFound(arn);
  return p;
}
