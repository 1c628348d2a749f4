import type { Operation } from '../../protocols/operation.js';
import { CreateOpenIDConnectProvider } from './CreateOpenIDConnectProvider.js';
import { GetOpenIDConnectProvider } from './GetOpenIDConnectProvider.js';
import { ListOpenIDConnectProviders } from './ListOpenIDConnectProviders.js';
import { DeleteOpenIDConnectProvider } from './DeleteOpenIDConnectProvider.js';
import { AddClientIDToOpenIDConnectProvider } from './AddClientIDToOpenIDConnectProvider.js';
import { RemoveClientIDFromOpenIDConnectProvider } from './RemoveClientIDFromOpenIDConnectProvider.js';
import { UpdateOpenIDConnectProviderThumbprint } from './UpdateOpenIDConnectProviderThumbprint.js';
import { TagOpenIDConnectProvider } from './TagOpenIDConnectProvider.js';
import { UntagOpenIDConnectProvider } from './UntagOpenIDConnectProvider.js';
import { ListOpenIDConnectProviderTags } from './ListOpenIDConnectProviderTags.js';
import { CreateSAMLProvider } from './CreateSAMLProvider.js';
import { GetSAMLProvider } from './GetSAMLProvider.js';
import { UpdateSAMLProvider } from './UpdateSAMLProvider.js';
import { ListSAMLProviders } from './ListSAMLProviders.js';
import { DeleteSAMLProvider } from './DeleteSAMLProvider.js';
import { TagSAMLProvider } from './TagSAMLProvider.js';
import { UntagSAMLProvider } from './UntagSAMLProvider.js';
import { ListSAMLProviderTags } from './ListSAMLProviderTags.js';
import { SimulateCustomPolicy } from './SimulateCustomPolicy.js';
import { GetAccountSummary } from './GetAccountSummary.js';
import { GetAccountAuthorizationDetails } from './GetAccountAuthorizationDetails.js';
import { SimulatePrincipalPolicy } from './SimulatePrincipalPolicy.js';
import { GetContextKeysForCustomPolicy } from './GetContextKeysForCustomPolicy.js';
import { GetContextKeysForPrincipalPolicy } from './GetContextKeysForPrincipalPolicy.js';

/**
 * OIDC and SAML providers, account summary/authorization details, policy simulation.
 * STS lookups: findOidcProviderByIssuer / getOidcProviderByArn (oidc-repo.ts),
 * getSamlProviderByArn (saml-repo.ts).
 */
export const providerOperations: Operation[] = [
  CreateOpenIDConnectProvider,
  GetOpenIDConnectProvider,
  ListOpenIDConnectProviders,
  DeleteOpenIDConnectProvider,
  AddClientIDToOpenIDConnectProvider,
  RemoveClientIDFromOpenIDConnectProvider,
  UpdateOpenIDConnectProviderThumbprint,
  TagOpenIDConnectProvider,
  UntagOpenIDConnectProvider,
  ListOpenIDConnectProviderTags,
  CreateSAMLProvider,
  GetSAMLProvider,
  UpdateSAMLProvider,
  ListSAMLProviders,
  DeleteSAMLProvider,
  TagSAMLProvider,
  UntagSAMLProvider,
  ListSAMLProviderTags,
  SimulateCustomPolicy,
  GetAccountSummary,
  GetAccountAuthorizationDetails,
  SimulatePrincipalPolicy,
  GetContextKeysForCustomPolicy,
  GetContextKeysForPrincipalPolicy,
];

export { findOidcProviderByIssuer, getOidcProviderByArn, type OidcProvider } from './oidc-repo.js';
export { getSamlProviderByArn, type SamlProvider } from './saml-repo.js';
