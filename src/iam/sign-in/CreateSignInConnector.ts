import { defineOperation } from '../../protocols/operation.js';
import { Errors } from '../../errors/index.js';
import { sealConnectorSecrets } from '../../federation/registry.js';
import { authorize } from '../authorize.js';
import { checkProvider, connectorArn, connectorShape, parseObject, parseSecrets, SIGN_IN_CONNECTORS_PER_ACCOUNT, validateConfig } from './shared.js';

/**
 * Tessera extension: configure a sign-in connector. Needs tessera:CreateSignInConnector on
 * arn:PARTITION:iam::ACCOUNT:sign-in-connector/<Id>. The id is unique in the installation (it is
 * the /signin/<id> URL); ProviderArn must be an IAM provider of the caller's account of the kind
 * the type needs; the type's factory validates the settings and secrets. Secrets are sealed
 * under the master key in the same transaction; every replica's registry reloads.
 */
export const CreateSignInConnector = defineOperation({
  service: 'iam',
  name: 'CreateSignInConnector',
  auth: 'sigv4',
  async run(ctx, input) {
    const { services } = ctx;
    const id = input.Id;
    await authorize(ctx, 'tessera:CreateSignInConnector', connectorArn(ctx, id));
    const settings = parseObject(input.Settings, 'Settings');
    const secrets = parseSecrets(input.Secrets, false) as Record<string, string>;
    ctx.audit.signInConnector = { id, type: input.Type, secretNames: Object.keys(secrets).sort() };
    return services.store.tx(async (t) => {
      const providerArn = await checkProvider(ctx, t, input.Type, input.ProviderArn);
      const cfg = {
        id,
        type: input.Type,
        accountId: ctx.caller.accountId,
        displayName: input.DisplayName ?? id,
        providerArn,
        requireMfa: input.RequireMfa ?? false,
        allowIdpInitiated: input.AllowIdpInitiated ?? false,
        settings,
        secrets,
      };
      validateConfig(ctx, cfg);
      const made = await t.signInConnectors.insert(
        {
          id,
          accountId: cfg.accountId,
          type: cfg.type,
          displayName: cfg.displayName,
          providerArn,
          requireMfa: cfg.requireMfa,
          allowIdpInitiated: cfg.allowIdpInitiated,
          enabled: input.Enabled ?? true,
          settings,
          secretsSealed: sealConnectorSecrets(services.masterKey, cfg.accountId, id, secrets),
          createdAt: ctx.req.now,
          updatedAt: ctx.req.now,
        },
        SIGN_IN_CONNECTORS_PER_ACCOUNT,
      );
      if (made === 'quota') throw Errors.limitExceeded(`Cannot exceed quota for SignInConnectorsPerAccount: ${SIGN_IN_CONNECTORS_PER_ACCOUNT}`);
      // Ids are global (the /signin/<id> URL): taken by any account is taken.
      if (made === 'exists') throw Errors.entityAlreadyExists(`A sign-in connector with id ${id} already exists.`);
      await services.invalidate({ kind: 'sign-in-connector', connectorId: id }, t);
      return { SignInConnector: connectorShape(ctx, made) };
    });
  },
});
