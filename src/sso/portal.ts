import type { Services } from '../services.js';
import { rolesFor, type RoleRequestFacts } from './roles.js';
import type { LoginSession, RoleOffer } from './types.js';

/**
 * The portal's (and `GET /cli/roles`') view of which roles a signed-in person may pick:
 * `rolesFor` (src/sso/roles.ts), cached per login session for a short while, because for an
 * account with thousands of roles it takes a second or two and a person reloads the portal,
 * opens the console and asks the CLI for roles within the same minute.
 *
 * The cache only decides what is SHOWN. Issuing never reads it: `issueForSession` runs the trust
 * check again for every request, so a stale entry can at worst offer a role that is then refused
 * (and that refusal drops the entry: `dropCachedRoles`) or omit one granted a moment ago.
 *
 * - Key `portal-roles:<login session id>` in the shared cache (every replica sees one entry), TTL
 *   `ROLE_CACHE_SECONDS`. A new sign-in is a new session id, so it never sees another's entry.
 * - The entry holds role ARNs, names, descriptions and durations: no secret.
 * - A cache that is down or holds something unreadable is not an outage: the roles are computed
 *   (and the write skipped when it fails).
 */
export const ROLE_CACHE_SECONDS = 60;

const keyOf = (loginSessionId: string) => `portal-roles:${loginSessionId}`;

export async function cachedRoles(services: Services, session: LoginSession, facts: RoleRequestFacts): Promise<RoleOffer[]> {
  const key = keyOf(session.id);
  let raw: string | null = null;
  try {
    raw = await services.cache.get(key);
  } catch (e) {
    services.logger.warn({ err: e }, 'role-offer cache read failed; computing');
  }
  if (raw !== null) {
    const offers = parseOffers(raw);
    if (offers) return offers;
  }
  const offers = await rolesFor(services, session, facts);
  try {
    await services.cache.set(key, JSON.stringify(offers), ROLE_CACHE_SECONDS);
  } catch (e) {
    services.logger.warn({ err: e }, 'role-offer cache write failed');
  }
  return offers;
}

/** Forget a session's cached offers (an issuance was refused: what was shown is out of date). */
export async function dropCachedRoles(services: Services, loginSessionId: string): Promise<void> {
  try {
    await services.cache.del(keyOf(loginSessionId));
  } catch (e) {
    services.logger.warn({ err: e }, 'role-offer cache delete failed');
  }
}

function parseOffers(raw: string): RoleOffer[] | null {
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch {
    return null;
  }
  if (!Array.isArray(v)) return null;
  const ok = v.every(
    (o: unknown) =>
      o !== null &&
      typeof o === 'object' &&
      typeof (o as RoleOffer).roleArn === 'string' &&
      typeof (o as RoleOffer).roleName === 'string' &&
      typeof (o as RoleOffer).accountId === 'string' &&
      typeof (o as RoleOffer).maxSessionDuration === 'number',
  );
  return ok ? (v as RoleOffer[]) : null;
}

/** The durations the portal offers for a role: common steps up to its MaxSessionDuration, and the maximum itself. */
const STEPS = [900, 1800, 3600, 7200, 14400, 28800, 43200];

export function durationChoices(maxSessionDuration: number): { seconds: number; label: string; selected: boolean }[] {
  const max = Math.max(900, Math.min(43200, Math.floor(maxSessionDuration)));
  const seconds = STEPS.filter((s) => s <= max);
  if (!seconds.includes(max)) seconds.push(max);
  const dflt = max >= 3600 ? 3600 : max;
  return seconds.map((s) => ({ seconds: s, label: durationLabel(s), selected: s === dflt }));
}

/** 900 → "15 min", 3600 → "1 h", 5400 → "1 h 30 min" (to the nearest minute: 7199 → "2 h"). */
export function durationLabel(seconds: number): string {
  const total = Math.max(1, Math.round(seconds / 60));
  const h = Math.floor(total / 60);
  const m = total % 60;
  if (h === 0) return `${m} min`;
  return m === 0 ? `${h} h` : `${h} h ${m} min`;
}
