import type { Services } from '../services.js';
import { rolesFor, type RoleRequestFacts } from './roles.js';
import type { LoginSession, RoleOffer } from './types.js';

/**
 * The roles a login session may pick, as the portal, the console's role switch and
 * `tessera credentials` list them: rolesFor (STS's own trust decisions) cached per login session
 * for ROLES_TTL_SECONDS in the shared cache (rolesFor reads every role of the account: 1–2.5 s
 * for 10,000 roles). The list only offers; issuance decides again with the role as it is then
 * (src/sso/issue.ts), so a role whose trust changed within the TTL is refused, never issued.
 * A cache that cannot answer is bypassed (the list is recomputed), never an error.
 */
export const ROLES_TTL_SECONDS = 60;
const key = (sessionId: string) => `portal:roles:${sessionId}`;

export async function cachedRoles(services: Services, session: LoginSession, facts: RoleRequestFacts): Promise<RoleOffer[]> {
  try {
    const raw = await services.cache.get(key(session.id));
    if (raw) return JSON.parse(raw) as RoleOffer[];
  } catch {
    // recompute below
  }
  const offers = await rolesFor(services, session, facts);
  await services.cache.set(key(session.id), JSON.stringify(offers), ROLES_TTL_SECONDS).catch(() => {});
  return offers;
}

/** Forget a session's list (after a refused issuance: the list was stale). */
export async function dropCachedRoles(services: Services, sessionId: string): Promise<void> {
  await services.cache.del(key(sessionId)).catch(() => {});
}
