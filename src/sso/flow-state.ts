import { createHash } from 'node:crypto';
import type { Services } from '../services.js';
import { SignInError } from './types.js';

/**
 * One sign-in attempt through a connector (GET /signin/<id> → upstream → callback).
 *
 * `state` (32 random bytes, base64url) goes to the upstream as OIDC `state` / SAML `RelayState`.
 * The cache keeps `sso:flow:<sha256(state)>` for 10 minutes: the connector, where to return, what
 * the connector asked to remember (nonce, PKCE verifier, SAML request id — never in a URL or a
 * cookie), and the BINDING: sha256 of this browser's pre-auth cookie `__Host-tessera-flow`. The
 * callback is accepted only
 *   - with a state (state_missing), that this service issued and has not expired (state_unknown),
 *   - from the browser that started it (state_foreign: a forged callback / login CSRF — the flow
 *     is left intact for its owner),
 *   - once (state_reused): services.oneTimeUses (Postgres) decides, on any replica, even after
 *     the cache lost its data.
 */
export const FLOW_TTL_SECONDS = 600;
export const flowKey = (state: string) => `sso:flow:${sha256(state)}`;
const sha256 = (s: string) => createHash('sha256').update(s).digest('base64url');

export interface FlowRecord {
  connectorId: string;
  returnTo: string;
  remember: Record<string, string>;
  binding: string;
  createdAt: string;
}

/** A flow cookie or state: 32 random bytes, base64url (43 characters). */
export const isToken = (s: unknown): s is string => typeof s === 'string' && /^[A-Za-z0-9_-]{43}$/.test(s);
export const bindingOf = (flowCookie: string) => sha256(`flow:${flowCookie}`);

type Deps = Pick<Services, 'cache' | 'oneTimeUses' | 'random'>;

export const newToken = (s: Pick<Services, 'random'>) => s.random.bytes(32).toString('base64url');

export async function saveFlow(s: Deps, state: string, rec: Omit<FlowRecord, 'createdAt'>, now: Date): Promise<void> {
  const full: FlowRecord = { ...rec, createdAt: now.toISOString() };
  await s.cache.set(flowKey(state), JSON.stringify(full), FLOW_TTL_SECONDS);
}

/** The flow `state` names, checked and consumed (see above); throws SignInError with the reason. */
export async function takeFlow(s: Deps, state: unknown, flowCookie: unknown, connectorId: string, now: Date): Promise<FlowRecord> {
  if (typeof state !== 'string' || state === '') throw new SignInError('state_missing', 'The sign-in response has no state. Start signing in again.');
  if (!isToken(state)) throw new SignInError('state_unknown', 'This sign-in response does not belong to a sign-in started here. Start signing in again.');
  const raw = await s.cache.get(flowKey(state));
  let rec: FlowRecord | null = null;
  try {
    rec = raw ? (JSON.parse(raw) as FlowRecord) : null;
  } catch {
    rec = null;
  }
  if (!rec || rec.connectorId !== connectorId) {
    throw new SignInError('state_unknown', 'This sign-in response does not belong to a sign-in started here, or it took longer than 10 minutes. Start signing in again.');
  }
  if (!isToken(flowCookie) || bindingOf(flowCookie) !== rec.binding) {
    throw new SignInError('state_foreign', 'This sign-in was started in another browser. Start signing in again here.', 403);
  }
  const expires = new Date(Date.parse(rec.createdAt) + FLOW_TTL_SECONDS * 1000);
  if (!(await s.oneTimeUses.consume('signin-flow', state, expires > now ? expires : new Date(now.getTime() + 1000), now))) {
    throw new SignInError('state_reused', 'This sign-in response was already used. Start signing in again.');
  }
  return rec;
}
