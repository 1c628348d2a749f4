import type { Sql } from './db.js';

/** Storage of OIDC and SAML identity providers. */
export interface ProviderRepository {}

export class PgProviderRepository implements ProviderRepository {
  constructor(protected readonly q: Sql) {}
}
