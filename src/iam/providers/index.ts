import type { Operation } from '../../awsquery/operation.js';

/** OIDC and SAML providers, account summary/authorization details, policy simulation. */
export const providerOperations: Operation<any, any>[] = [];
