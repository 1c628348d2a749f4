import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { ContextValue } from '../iam/authorize.js';
import type { AuthedContext, RequestInfo } from '../protocols/operation.js';
import type { Services } from '../services.js';
import { compiledTrust, checkSourceIdentity } from '../sts/federated-assume.js';
import type { RoleRecord } from '../sts/roles.js';
import { trustAllows } from '../sts/trust-check.js';
import { assumableRoleKey, type ListedAssumableRole } from '../store/federation.js';
import { evaluateFederatedTrust, federatedTrustRequest, type FederatedRequestFacts } from '../trust/federated.js';
import type { CompiledPolicy } from '../policy/index.js';
import type { FederatedIdentity } from '../federation/connector.js';
import { providerLookups } from '../federation/registry.js';
import { mfaContextKeys, sessionNameFor, toFederatedIdentity, userCaller } from './principal.js';
import type { LoginSession, RoleOffer, SignedInPrincipal } from './types.js';

/**
 * Which roles a signed-in person may pick: exactly those STS would let the same principal
 * assume, decided by STS's own code — never a second rule system.
 *
 * - Federated (OIDC, SAML, GitHub, …): the roles of the provider's account; for SAML only those
 *   paired with this provider in the assertion's Role attribute (AWS's role chooser does the
 *   same; STS refuses the others with IDPRejectedClaim). A role is offered when
 *   evaluateFederatedTrust (src/trust/federated.ts) allows AssumeRoleWithWebIdentity /
 *   AssumeRoleWithSAML with this identity, the session name the portal will use and the
 *   request facts — which includes sts:TagSession when the IdP asserted session tags and
 *   sts:SetSourceIdentity when it asserted a source identity, as STS requires: a role whose trust
 *   policy refuses TagSession while the identity carries tags is not offered. STS's request
 *   checks that refuse every role (SAML without a usable RoleSessionName, an invalid source
 *   identity, a SAML session past SessionNotOnOrAfter) offer nothing. The session's MFA does not
 *   count here: AssumeRoleWith* requests carry no aws:MultiFactorAuthPresent.
 * - IAM user (local sign-in): the roles of the user's own account whose trust policy allows the
 *   user sts:AssumeRole as AssumeRole decides it with the user's own keys (trustAllows with the
 *   user as caller: a trust policy naming the account delegates to the user's identity
 *   policies). When the session proved MFA the request carries aws:MultiFactorAuthPresent=true
 *   and aws:MultiFactorAuthAge (seconds since the proof, as credentials issued from the session
 *   will); without MFA neither key is present, as for a call signed with long-term keys.
 *   Roles of other accounts are left out (they would need the other account's trust and the
 *   user's identity policies for each account; not offered yet).
 *
 * Cost: the account's roles are read once per call, in keyset pages; evaluation yields to the
 * event loop between chunks, so an account with many thousands of roles never stalls it.
 */
export interface RoleRequestFacts {
  now: Date;
  sourceIp: string;
  userAgent: string;
  secureTransport: boolean;
  region: string;
}

const PAGE = 1000;
/** Roles evaluated between two yields to the event loop. */
const CHUNK = 100;
const ACCOUNT_OF_ARN = /^arn:[^:]+:iam::(\d{12}):/;
const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;

export async function rolesFor(services: Services, session: LoginSession, facts: RoleRequestFacts): Promise<RoleOffer[]> {
  const p = session.principal;
  return p.kind === 'federated' ? federatedRoles(services, p, facts) : userRoles(services, session, p, facts);
}

const offerOf = (r: ListedAssumableRole | RoleRecord, providerArn?: string, roleArn?: string): RoleOffer => ({
  roleArn: roleArn ?? r.roleArn,
  roleName: r.roleName,
  accountId: r.accountId,
  ...('description' in r && r.description !== undefined ? { description: r.description } : {}),
  maxSessionDuration: r.maxSessionDuration,
  ...(providerArn !== undefined ? { providerArn } : {}),
});

/** Every role of the account, page by page (keyset), each page handed to `each`. */
async function forEachRole(services: Services, accountId: string, each: (r: ListedAssumableRole) => void | Promise<void>): Promise<void> {
  let after: string | undefined;
  for (;;) {
    const page = await services.store.federation.assumableRoles(accountId, { ...(after !== undefined ? { after } : {}), limit: PAGE });
    for (let i = 0; i < page.length; i++) {
      await each(page[i]!);
      if (i % CHUNK === CHUNK - 1) await yieldToLoop();
    }
    if (page.length < PAGE) return;
    after = assumableRoleKey(page[page.length - 1]!);
  }
}

/** The role's trust policy compiled as STS compiles it; null when it does not compile (STS: AccessDenied). */
function trustOf(services: Services, role: RoleRecord): CompiledPolicy | null {
  try {
    return compiledTrust(role);
  } catch (e) {
    services.logger.warn({ err: e, role: role.roleArn }, 'stored trust policy does not compile');
    return null;
  }
}

async function federatedRoles(services: Services, p: Extract<SignedInPrincipal, { kind: 'federated' }>, f: RoleRequestFacts): Promise<RoleOffer[]> {
  const identity = toFederatedIdentity(p.identity);
  const accountId = ACCOUNT_OF_ARN.exec(identity.providerArn)?.[1];
  if (!accountId) return [];
  const request = federatedRequestFacts(identity, sessionNameFor(p), f);
  if (!request) return [];
  // STS verifies every token/assertion against the IAM provider as it is NOW: deleted, the
  // client id (audience) removed from it, or its SAML metadata expired, it refuses every role.
  if (!(await providerStillVouches(services, identity, f.now))) return [];
  // The condition context names no role (roleArn is the evaluated resource): built once per call.
  const trustRequest = federatedTrustRequest(identity, { ...request, roleArn: '' });
  const allows = (role: RoleRecord): boolean => {
    const trust = trustOf(services, role);
    return trust !== null && evaluateFederatedTrust(trust, trustRequest, { ...request, roleArn: role.roleArn }).allowed;
  };

  if (identity.kind === 'oidc') {
    const offers: RoleOffer[] = [];
    await forEachRole(services, accountId, (role) => {
      if (allows(role)) offers.push(offerOf(role));
    });
    return offers;
  }

  // SAML: the role pairs of this provider, each resolved as AssumeRoleWithSAML resolves its
  // RoleArn (the federation directory: account + name, a path must be the role's). The offer
  // names the pair's ARN: the one STS accepts (it compares it with the Role attribute as is).
  const seen = new Set<string>();
  const offered = new Set<string>();
  const offers: RoleOffer[] = [];
  let n = 0;
  for (const pair of identity.saml?.roles ?? []) {
    if (seen.has(`${pair.providerArn}\n${pair.roleArn}`)) continue;
    seen.add(`${pair.providerArn}\n${pair.roleArn}`);
    // STS takes the pair's provider ARN as PrincipalArn and finds the provider by it (the name
    // case-insensitively, as IAM names are): a pair is this identity's when that is its provider.
    if (pair.providerArn !== identity.providerArn && (await services.federationDirectory.samlProvider(pair.providerArn))?.arn !== identity.providerArn) continue;
    const role = await services.federationDirectory.role(pair.roleArn);
    if (role && role.accountId === accountId && !offered.has(role.roleId) && allows(role)) {
      offered.add(role.roleId);
      offers.push(offerOf(role, pair.providerArn, pair.roleArn));
    }
    if (++n % CHUNK === 0) await yieldToLoop();
  }
  // The directory's record has no description: read it for the (few) offered roles.
  await Promise.all(
    offers.map(async (o) => {
      const d = (await services.store.roles.get(o.accountId, o.roleName))?.description;
      if (d !== undefined) o.description = d;
    }),
  );
  return offers.sort((a, b) => (a.roleName.toLowerCase() < b.roleName.toLowerCase() ? -1 : 1));
}

/** Whether the identity's IAM provider still accepts it, as STS's verifiers would decide now. */
export async function providerStillVouches(services: Services, identity: FederatedIdentity, now: Date): Promise<boolean> {
  if (identity.kind === 'saml') {
    const p = await services.federationDirectory.samlProvider(identity.providerArn);
    return p !== null && p.arn === identity.providerArn && !(p.validUntil && p.validUntil.getTime() <= now.getTime());
  }
  const p = await providerLookups(services.federationDirectory).oidcProvider(identity.providerArn);
  return p !== null && p.clientIds.includes(identity.audience);
}

/**
 * The request facts AssumeRoleWithWebIdentity / AssumeRoleWithSAML would decide with, or null
 * when STS would refuse the identity whatever the role (its checks before the trust policy).
 */
function federatedRequestFacts(identity: FederatedIdentity, sessionName: string | undefined, f: RoleRequestFacts): Omit<FederatedRequestFacts, 'roleArn'> | null {
  if (sessionName === undefined || !SESSION_NAME.test(sessionName)) return null;
  let sourceIdentity: string | undefined;
  try {
    sourceIdentity = checkSourceIdentity(identity.session.sourceIdentity, 'the identity');
  } catch {
    return null;
  }
  const cap = identity.session.notOnOrAfter;
  if (cap !== undefined && cap.getTime() <= f.now.getTime()) return null;
  return {
    sessionName,
    sourceIdentity,
    tags: identity.session.tags,
    transitiveTagKeys: identity.session.transitiveTagKeys,
    now: f.now,
    sourceIp: f.sourceIp,
    userAgent: f.userAgent,
    secureTransport: f.secureTransport,
    region: f.region,
  };
}

async function userRoles(services: Services, session: LoginSession, p: Extract<SignedInPrincipal, { kind: 'iam-user' }>, f: RoleRequestFacts): Promise<RoleOffer[]> {
  const caller = userCaller(p);
  // AssumeRole: "Roles may not be assumed by root accounts."
  if (caller.isRoot) return [];
  // A user deleted since sign-in has no roles (its keys would no longer authenticate).
  if (!(await services.policyCache.forPrincipal(caller.principalId)).exists) return [];
  const req: RequestInfo = { requestId: session.id, now: f.now, sourceIp: f.sourceIp, userAgent: f.userAgent, region: f.region, secureTransport: f.secureTransport };
  const ctx: AuthedContext = { req, caller, services, audit: {} };
  const extra: Record<string, ContextValue> = { 'sts:RoleSessionName': sessionNameFor(p)! };
  if (session.mfa.present) Object.assign(extra, mfaContextKeys(session.mfa, f.now));
  const offers: RoleOffer[] = [];
  await forEachRole(services, p.accountId, async (role) => {
    const trust = trustOf(services, role);
    if (trust !== null && (await trustAllows(ctx, role, trust, 'sts:AssumeRole', extra)).allowed) offers.push(offerOf(role));
  });
  return offers;
}
