import { Errors } from '../../errors/index.js';
import type { AuthedContext } from '../../protocols/operation.js';
import type { SignInConnector as SignInConnectorShape } from '../../protocols/generated/iam.js';
import type { ConnectorConfig, ConnectorType } from '../../federation/connector.js';
import { SignInConfigError } from '../../federation/sign-in-errors.js';
import { ConnectorSecretsError, openConnectorSecrets } from '../../federation/registry.js';
import type { Repositories } from '../../store/store.js';
import type { StoredSignInConnector } from '../../store/sign-in-connectors.js';
import { arnFor } from '../common.js';

/**
 * What the sign-in connector actions (CreateSignInConnector … DeleteSignInConnector) share.
 * They are Tessera's own IAM-namespace actions; their IAM actions are `tessera:<Action>` on
 * `arn:PARTITION:iam::ACCOUNT:sign-in-connector/<id>` (ListSignInConnectors: `…/*`).
 */

/** Connectors per account (each is loaded by every replica's registry). */
export const SIGN_IN_CONNECTORS_PER_ACCOUNT = 100;

export const connectorArn = (ctx: AuthedContext, id: string) => arnFor(ctx, `sign-in-connector/${id}`);

export const notFound = (id: string) => Errors.noSuchEntity(`The sign-in connector with id ${id} cannot be found.`);

/** A JSON object member (Settings). */
export function parseObject(text: string | undefined, member: string): Record<string, unknown> {
  if (text === undefined) return {};
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw Errors.validation(`${member} must be a JSON object.`);
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw Errors.validation(`${member} must be a JSON object.`);
  checkStorable(v, member, 1);
  return v as Record<string, unknown>;
}

/** Nesting a connector's settings may have (settings are small maps of strings and lists). */
export const MAX_SETTINGS_DEPTH = 16;
// U+0000 and unpaired surrogates: JSON escapes (`\u0000`, `\ud800`) parse to them, jsonb refuses them.
const NOT_STORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * What Postgres jsonb (and the recursive JSON code after it: stringify, sorting) can take:
 * bounded nesting, no U+0000 or unpaired surrogate in a key or string, finite numbers (1e400
 * parses to Infinity, which JSON.stringify would silently store as null). The message never
 * quotes a value (Secrets share this check). Depth is checked before descending, so the walk
 * itself never recurses deeper than MAX_SETTINGS_DEPTH.
 */
function checkStorable(v: unknown, member: string, depth: number): void {
  if (typeof v === 'string') {
    if (NOT_STORABLE.test(v)) throw Errors.validation(`${member} must not contain U+0000 or an unpaired surrogate (\\uD800-\\uDFFF).`);
    return;
  }
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw Errors.validation(`${member} must hold finite numbers only.`);
    return;
  }
  if (!v || typeof v !== 'object') return;
  if (depth > MAX_SETTINGS_DEPTH) throw Errors.validation(`${member} must not nest deeper than ${MAX_SETTINGS_DEPTH} levels.`);
  for (const [k, x] of Object.entries(v)) {
    if (!Array.isArray(v) && NOT_STORABLE.test(k)) throw Errors.validation(`${member} must not contain U+0000 or an unpaired surrogate (\\uD800-\\uDFFF).`);
    checkStorable(x, member, depth + 1);
  }
}

/**
 * The Secrets member: a JSON object of secret name → value (a string; with `allowNull`, null
 * removes it). The message never quotes a value.
 */
export function parseSecrets(text: string | undefined, allowNull: boolean): Record<string, string | null> {
  const v = parseObject(text, 'Secrets');
  for (const [k, x] of Object.entries(v)) {
    if (typeof x === 'string' && x.length > 0) continue;
    if (x === null && allowNull) continue;
    throw Errors.validation(`Secrets.${k} must be a non-empty string${allowNull ? ' (or null to remove it)' : ''}.`);
  }
  return v as Record<string, string | null>;
}

const PROVIDER_ARN = /^arn:([a-z][a-z0-9-]*):iam::(\d{12}):(oidc-provider|saml-provider)\/(.+)$/;

/**
 * The IAM identity provider a connector of `type` stands for: an existing provider of the
 * caller's account, SAML for `saml`, OpenID Connect for the others (GitHub's too: an OIDC
 * provider registered for https://github.com or the GHE URL). Returns its canonical ARN.
 */
export async function checkProvider(ctx: AuthedContext, t: Pick<Repositories, 'providers'>, type: ConnectorType, arn: string): Promise<string> {
  const m = PROVIDER_ARN.exec(arn);
  const accountId = ctx.caller.accountId;
  if (!m || m[1] !== ctx.services.config.partition || m[2] !== accountId) {
    throw Errors.validation(`ProviderArn must be the ARN of an IAM OIDC or SAML provider of account ${accountId}.`);
  }
  const want = type === 'saml' ? 'saml-provider' : 'oidc-provider';
  if (m[3] !== want) {
    throw Errors.validation(
      type === 'saml'
        ? 'A saml sign-in connector needs a SAML provider (arn:…:saml-provider/NAME) as its ProviderArn.'
        : `A ${type} sign-in connector needs an OpenID Connect provider (arn:…:oidc-provider/HOST) as its ProviderArn.`,
    );
  }
  if (want === 'oidc-provider') {
    const p = await t.providers.getOidc(arn);
    if (!p || p.accountId !== accountId) throw Errors.noSuchEntity(`OpenIDConnect Provider not found for arn ${arn}`);
    return p.arn;
  }
  const p = await t.providers.getSaml(accountId, m[4]!);
  if (!p) throw Errors.noSuchEntity(`Manifest not found for arn ${arn}`);
  return p.arn;
}

/** Ids the sign-in router serves itself (/signin/local, /signin/mfa, …): a connector there could never be reached. */
export const RESERVED_CONNECTOR_IDS: ReadonlySet<string> = new Set(['local', 'mfa', 'recovery', 'password', 'session', 'assets']);

/**
 * Check a whole configuration with its type's factory: the secrets it names must be the type's
 * secret names, no secret may hide in Settings (it would be stored and shown in clear), and the
 * factory's `validate` must accept it (its SignInConfigError message becomes the ValidationError).
 */
export function validateConfig(ctx: AuthedContext, cfg: ConnectorConfig): void {
  if (RESERVED_CONNECTOR_IDS.has(cfg.id)) {
    throw Errors.validation(`The sign-in connector id ${cfg.id} is reserved (${[...RESERVED_CONNECTOR_IDS].join(', ')}): Tessera's own sign-in pages use it.`);
  }
  const factory = ctx.services.connectors.factory(cfg.type);
  if (!factory) {
    const have = ctx.services.connectors.types;
    throw Errors.validation(`Sign-in connector type ${cfg.type} is not available in this installation${have.length ? ` (available: ${have.join(', ')})` : ''}.`);
  }
  const names = new Set(factory.secretNames);
  for (const k of Object.keys(cfg.secrets)) {
    if (!names.has(k)) throw Errors.validation(`Secrets.${k} is not a secret of a ${cfg.type} connector (its secrets: ${[...names].join(', ') || 'none'}).`);
  }
  for (const k of Object.keys(cfg.settings)) {
    if (names.has(k)) throw Errors.validation(`Settings.${k} is a secret: give it in Secrets, where it is sealed.`);
  }
  if (cfg.allowIdpInitiated && cfg.type !== 'saml') throw Errors.validation('AllowIdpInitiated applies only to saml connectors.');
  try {
    factory.validate(cfg);
  } catch (e) {
    if (e instanceof SignInConfigError) throw Errors.validation(e.message);
    throw e;
  }
}

/** The opened secrets of a stored connector, or null when its envelope is not its own. */
export function secretsOf(ctx: AuthedContext, row: StoredSignInConnector): Record<string, string> | null {
  try {
    return openConnectorSecrets(ctx.services.masterKey, row.accountId, row.id, row.secretsSealed);
  } catch (e) {
    if (e instanceof ConnectorSecretsError) return null;
    throw e;
  }
}

/** The connector as the actions answer: settings and the NAMES of the secrets set, never a value. */
export function connectorShape(ctx: AuthedContext, row: StoredSignInConnector): SignInConnectorShape {
  const secrets = secretsOf(ctx, row);
  return {
    Id: row.id,
    Arn: connectorArn(ctx, row.id),
    Type: row.type,
    DisplayName: row.displayName,
    ProviderArn: row.providerArn,
    RequireMfa: row.requireMfa,
    AllowIdpInitiated: row.allowIdpInitiated,
    Enabled: row.enabled,
    Settings: JSON.stringify(row.settings),
    SecretNames: secrets ? Object.keys(secrets).sort() : [],
    ...(secrets
      ? {}
      : { SecretsError: 'The sealed secrets do not open for this connector (copied from another connector or altered): set them again with UpdateSignInConnector.' }),
    CreateDate: row.createdAt,
    UpdateDate: row.updatedAt,
  };
}
