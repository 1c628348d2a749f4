import { defineOperation } from '../../protocols/operation.js';
import { sealConnectorSecrets } from '../../federation/registry.js';
import { authorize } from '../authorize.js';
import { checkProvider, connectorArn, connectorShape, notFound, parseObject, parseSecrets, secretsOf, validateConfig } from './shared.js';

const sameJson = (a: unknown, b: unknown) => JSON.stringify(sorted(a)) === JSON.stringify(sorted(b));
const sorted = (v: unknown): unknown =>
  Array.isArray(v) ? v.map(sorted) : v && typeof v === 'object' ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, sorted((v as Record<string, unknown>)[k])])) : v;

/**
 * Tessera extension: change a connector. Members given replace the current values (Settings as
 * a whole); Secrets sets the secrets it names (null removes one) and keeps the others; the
 * merged configuration is validated by the type's factory before anything is written. A
 * connector whose sealed secrets no longer open (copied or altered row) is repaired by giving
 * all its secrets again. The audit event names what changed (secret names, never values).
 */
export const UpdateSignInConnector = defineOperation({
  service: 'iam',
  name: 'UpdateSignInConnector',
  auth: 'sigv4',
  async run(ctx, input) {
    const { services } = ctx;
    const id = input.Id;
    await authorize(ctx, 'tessera:UpdateSignInConnector', connectorArn(ctx, id));
    const settings = input.Settings === undefined ? undefined : parseObject(input.Settings, 'Settings');
    const secretChanges = parseSecrets(input.Secrets, true);
    return services.store.tx(async (t) => {
      const row = await t.signInConnectors.get(ctx.caller.accountId, id, { lock: true });
      if (!row) throw notFound(id);
      const current = secretsOf(ctx, row);
      const secrets: Record<string, string> = { ...(current ?? {}) };
      for (const [k, v] of Object.entries(secretChanges)) {
        if (v === null) delete secrets[k];
        else secrets[k] = v;
      }
      const providerArn = input.ProviderArn === undefined ? row.providerArn : await checkProvider(ctx, t, row.type, input.ProviderArn);
      const next = {
        displayName: input.DisplayName ?? row.displayName,
        providerArn,
        requireMfa: input.RequireMfa ?? row.requireMfa,
        allowIdpInitiated: input.AllowIdpInitiated ?? row.allowIdpInitiated,
        enabled: input.Enabled ?? row.enabled,
        settings: settings ?? row.settings,
      };
      const changed = [
        ...(next.displayName !== row.displayName ? ['DisplayName'] : []),
        ...(next.providerArn !== row.providerArn ? ['ProviderArn'] : []),
        ...(next.requireMfa !== row.requireMfa ? ['RequireMfa'] : []),
        ...(next.allowIdpInitiated !== row.allowIdpInitiated ? ['AllowIdpInitiated'] : []),
        ...(next.enabled !== row.enabled ? ['Enabled'] : []),
        ...(!sameJson(next.settings, row.settings) ? ['Settings'] : []),
        ...Object.keys(secretChanges)
          .filter((k) => current === null || current[k] !== secrets[k])
          .sort()
          .map((k) => `Secrets.${k}`),
      ];
      ctx.audit.signInConnector = { id, type: row.type, changed };
      validateConfig(ctx, { id, type: row.type, accountId: row.accountId, ...next, secrets });
      if (changed.length === 0 && current !== null) {
        // Nothing to write; the precise message keeps the edge from recording a catch-all one.
        await services.invalidate({ kind: 'sign-in-connector', connectorId: id }, t);
        return { SignInConnector: connectorShape(ctx, row) };
      }
      const updated = await t.signInConnectors.update(row.accountId, id, {
        ...next,
        secretsSealed: sealConnectorSecrets(services.masterKey, row.accountId, id, secrets),
        updatedAt: ctx.req.now,
      });
      if (!updated) throw notFound(id);
      await services.invalidate({ kind: 'sign-in-connector', connectorId: id }, t);
      return { SignInConnector: connectorShape(ctx, updated) };
    });
  },
});
