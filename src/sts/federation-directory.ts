import type { Config } from '../config/index.js';

import type { Store } from '../store/store.js';
import { FederationDirectory } from '../federation/directory.js';
import { normalizeIssuer } from '../federation/oidc/issuer-url.js';
import { findRole, type RoleRecord } from './roles.js';

const OIDC_PROVIDER_ARN = /^arn:[a-z][a-z0-9-]*:iam::(\d{12}):oidc-provider\/(.+)$/;
const SAML_PROVIDER_ARN = /^arn:[a-z][a-z0-9-]*:iam::(\d{12}):saml-provider\/([\w._-]{1,128})$/;

/**
 * The federation directory of this process (src/federation/directory.ts), its sources wired to
 * the store: roles by ARN (findRole), OIDC providers by normalized issuer URL (IAM's
 * normalization of a provider Url), SAML providers by ARN. The composition root empties it on
 * every invalidation message. Built once, by the composition root.
 */
export function createFederationDirectory(config: Config, store: Pick<Store, 'federation'>): FederationDirectory<RoleRecord> {
  const { spEntityId, acsUrl, acceptAwsSp } = config.saml;
  const dir = new FederationDirectory<RoleRecord>(
    {
      role: (arn) => findRole({ store }, arn),
      normalizeIssuer: (iss) => normalizeIssuer(iss, true),
      oidcProvider: async (accountId, url) => {
        const n = normalizeIssuer(url, true);
        if (!n) return null;
        const p = await store.federation.oidcProviderByResource(accountId, n.resource);
        return p && p.url === n.url ? p : null;
      },
      oidcProviderByArn: async (arn) => {
        const m = OIDC_PROVIDER_ARN.exec(arn);
        if (!m) return null;
        const p = await store.federation.oidcProviderByResource(m[1]!, m[2]!);
        return p && p.arn === arn ? p : null;
      },
      samlProvider: async (arn) => {
        const m = SAML_PROVIDER_ARN.exec(arn);
        return m ? store.federation.samlProvider(m[1]!, m[2]!) : null;
      },
    },
    {
      partition: config.partition,
      allowInsecureIssuers: config.allowInsecureIssuers,
      samlServiceProvider: {
        audiences: acceptAwsSp ? [spEntityId, 'urn:amazon:webservices', 'https://signin.aws.amazon.com/saml'] : [spEntityId],
        recipients: acceptAwsSp ? [acsUrl, 'https://signin.aws.amazon.com/saml'] : [acsUrl],
      },
    },
  );
  return dir;
}
