import { open, seal } from '../keys/envelope.js';
import type { Store } from '../store/store.js';
import type { StoredSignInConnector } from '../store/sign-in-connectors.js';
import type { ConnectorConfig, ConnectorDeps, ConnectorDirectory, ConnectorFactory, ConnectorType, SignInConnector } from './connector.js';
import type { FederationDirectory } from './directory.js';
import type { OidcProviderRecord } from './oidc/verify.js';
import type { SamlProviderRecord } from './saml/verify.js';
import { SignInConfigError } from './sign-in-errors.js';

/**
 * The sign-in connector registry: which connectors are configured (store: sign_in_connectors),
 * built by the factory of their type, kept per process and dropped on invalidation messages
 * (the composition root calls `clear()`, as it does for the federation directory). The set is
 * small (a handful per installation), so the whole set is loaded at once and every lookup —
 * including one for an id nobody configured, which is what an attacker probes with — is served
 * from memory until the next change.
 *
 * Connector secrets are sealed under the master key as access-key secrets are: one AES-256-GCM
 * envelope of the JSON map of secrets (src/keys/envelope.ts) whose associated data names the
 * account and the id, so an envelope copied onto another connector does not open.
 */

/** The associated data of a connector's sealed secrets; ids never contain ':' (store/keys.ts parses it back). */
export const connectorSecretsAad = (accountId: string, id: string) => `sign-in-connector:${accountId}:${id}`;

/** A connector's sealed secrets do not open for it: another row's envelope, altered bytes, or another master key. */
export class ConnectorSecretsError extends Error {
  override readonly name = 'ConnectorSecretsError';
  constructor(readonly connectorId: string) {
    super(
      `the sealed secrets of sign-in connector ${connectorId} do not open for it (copied from another connector, altered, or sealed under another master key); set its secrets again`,
    );
  }
}

export function sealConnectorSecrets(masterKey: Buffer, accountId: string, id: string, secrets: Readonly<Record<string, string>>): Buffer {
  return seal(masterKey, JSON.stringify(secrets), connectorSecretsAad(accountId, id));
}

/** The secrets map; throws ConnectorSecretsError when the envelope is not this connector's. */
export function openConnectorSecrets(masterKey: Buffer, accountId: string, id: string, sealed: Buffer): Record<string, string> {
  let text: string;
  try {
    text = open(masterKey, sealed, connectorSecretsAad(accountId, id)).toString('utf8');
  } catch {
    throw new ConnectorSecretsError(id);
  }
  const v: unknown = JSON.parse(text);
  if (!v || typeof v !== 'object' || Array.isArray(v) || Object.values(v).some((x) => typeof x !== 'string')) throw new ConnectorSecretsError(id);
  return v as Record<string, string>;
}

/** One configured connector as the registry loads it: its configuration opened, or why it cannot be. */
export type LoadedConnector = { config: ConnectorConfig } | { id: string; accountId: string; type: string; error: string };

/** The connector configuration of a stored row (secrets opened), or the reason it cannot be used. */
export function connectorConfigOf(row: StoredSignInConnector, masterKey: Buffer): LoadedConnector {
  try {
    const secrets = openConnectorSecrets(masterKey, row.accountId, row.id, row.secretsSealed);
    return {
      config: {
        id: row.id,
        type: row.type,
        accountId: row.accountId,
        displayName: row.displayName,
        providerArn: row.providerArn,
        requireMfa: row.requireMfa,
        allowIdpInitiated: row.allowIdpInitiated,
        settings: row.settings,
        secrets,
      },
    };
  } catch (e) {
    return { id: row.id, accountId: row.accountId, type: row.type, error: e instanceof Error ? e.message : String(e) };
  }
}

/** The registry's source over the store: every enabled connector, secrets opened with the master key. */
export function storedConnectors(store: Pick<Store, 'signInConnectors'>, masterKey: Buffer): () => Promise<LoadedConnector[]> {
  return async () => (await store.signInConnectors.listEnabled()).map((row) => connectorConfigOf(row, masterKey));
}


/** ConnectorDeps' provider lookups by ARN: OIDC from the store (one indexed row), SAML through the cached federation directory. */
export function providerLookups(
  federation: Pick<FederationDirectory, 'samlProvider' | 'oidcProviderByArn'>,
): Pick<ConnectorDeps, 'oidcProvider' | 'samlProvider'> {
  // Both through the federation directory: cached per process (5 s), emptied by every
  // invalidation, the same records STS reads.
  return {
    oidcProvider: (arn: string): Promise<OidcProviderRecord | null> => federation.oidcProviderByArn(arn),
    samlProvider: (arn: string): Promise<SamlProviderRecord | null> => federation.samlProvider(arn),
  };
}

/** The directory, and what the admin actions and `tessera apply` ask of the installed types. */
export interface ConnectorRegistry extends ConnectorDirectory {
  /** The factory of `type`, when this installation has it. */
  factory(type: string): ConnectorFactory | undefined;
  /** The types this installation can build. */
  readonly types: readonly ConnectorType[];
}

export interface ConnectorDirectoryOptions {
  factories: readonly ConnectorFactory[];
  /** Every enabled connector (storedConnectors over the store). */
  load: () => Promise<readonly LoadedConnector[]>;
  deps: ConnectorDeps;
}

interface Snapshot {
  byId: Map<string, SignInConnector>;
  entries: { id: string; type: ConnectorType; displayName: string; accountId: string }[];
}

export function createConnectorDirectory(o: ConnectorDirectoryOptions): ConnectorRegistry {
  const byType = new Map<string, ConnectorFactory>();
  for (const f of o.factories) {
    if (byType.has(f.type)) throw new Error(`two sign-in connector factories for type ${f.type}`);
    byType.set(f.type, f);
  }
  const log = o.deps.logger;
  // clear() forgets it: a load that started before a change is not kept after it.
  let current: Promise<Snapshot> | undefined;

  const build = async (): Promise<Snapshot> => {
    const byId = new Map<string, SignInConnector>();
    const entries: Snapshot['entries'] = [];
    for (const item of await o.load()) {
      if (!('config' in item)) {
        // Loud and specific, but only for this connector: the others keep working.
        log.warn({ connectorId: item.id, accountId: item.accountId, type: item.type, reason: item.error }, 'sign-in connector unusable');
        continue;
      }
      const cfg = item.config;
      const factory = byType.get(cfg.type);
      if (!factory) {
        log.warn({ connectorId: cfg.id, type: cfg.type }, 'sign-in connector of a type this installation does not build; ignored');
        continue;
      }
      try {
        factory.validate(cfg);
        const c = factory.create(cfg, o.deps);
        byId.set(cfg.id, c);
        entries.push({ id: cfg.id, type: cfg.type, displayName: cfg.displayName, accountId: cfg.accountId });
      } catch (e) {
        // Only a configuration message goes to the log (it names settings, never secret values).
        const reason = e instanceof SignInConfigError ? e.message : `could not be built (${e instanceof Error ? e.name : 'error'})`;
        log.warn({ connectorId: cfg.id, type: cfg.type, reason }, 'sign-in connector unusable');
      }
    }
    return { byId, entries };
  };

  const snapshot = (): Promise<Snapshot> => {
    if (current) return current;
    const p = build();
    current = p;
    // A failed load (database down) is not kept: the next lookup tries again.
    p.catch(() => {
      if (current === p) current = undefined;
    });
    return p;
  };

  return {
    types: [...byType.keys()] as ConnectorType[],
    factory: (type) => byType.get(type),
    async get(id) {
      return (await snapshot()).byId.get(id) ?? null;
    },
    async list() {
      return (await snapshot()).entries;
    },
    clear() {
      current = undefined;
    },
  };
}
