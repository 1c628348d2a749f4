import type { Services } from '../services.js';
import type { Caller, SessionAncestor, SessionInfo } from '../tokens/caller.js';
import { Errors } from '../errors/index.js';
import { newAccessKeyId } from '../tokens/ids.js';
import { MAX_LINEAGE, callerFromPayload, deriveSecret, sealSessionToken, type TokenIdentity } from '../tokens/session-token.js';
import { packedPolicySize } from './packed-policy.js';

/**
 * issueCredentials: the one place temporary credentials are minted (AssumeRole,
 * AssumeRoleWithWebIdentity, AssumeRoleWithSAML, GetSessionToken, GetFederationToken).
 *
 *   const issued = await issueCredentials(ctx.services, {
 *     identity: assumedRoleIdentity(ctx.services.config.partition, role, sessionName),
 *     session: { issuedBy: 'AssumeRoleWithWebIdentity', roleId, roleName, roleArn, sessionName,
 *                sessionPolicy, policyArns, tags, transitiveTagKeys, sourceIdentity,
 *                federatedProvider, federatedContext },
 *     durationSeconds,            // already validated against the role's MaxSessionDuration
 *     now: ctx.req.now,
 *   });
 *   → { credentials: { AccessKeyId, SecretAccessKey, SessionToken, Expiration },
 *       packedPolicySize (percentage; undefined when no policy/ARNs/tags), sessionId, caller }
 *
 * Throws PackedPolicyTooLarge when the session policy + ARNs + tags don't fit. The caller
 * validates the policy document itself (MalformedPolicyDocument) and authorizes beforehand.
 * `credentials` can be rendered as is into the `<Credentials>` element. Never log it: add
 * `issuedAudit(issued)` to ctx.audit instead (session id, access key id, expiration).
 */
export interface IssueInput {
  identity: TokenIdentity;
  session: Omit<SessionInfo, 'issuedAt' | 'expiresAt' | 'sessionId'>;
  durationSeconds: number;
  now: Date;
}

export interface IssuedCredentials {
  credentials: { AccessKeyId: string; SecretAccessKey: string; SessionToken: string; Expiration: Date };
  packedPolicySize: number | undefined;
  sessionId: string;
  expiresAt: Date;
  caller: Caller;
}

export async function issueCredentials(services: Services, input: IssueInput): Promise<IssuedCredentials> {
  const { identity, now } = input;
  const packed = packedPolicySize(input.session);
  const key = services.keys.currentIfLoaded('session', now) ?? (await services.keys.current('session', now));
  const rnd = (n: number) => services.random.bytes(n);
  const accessKeyId = newAccessKeyId('ASIA', identity.accountId, rnd);
  const sessionId = rnd(12).toString('base64url');
  // AWS reports whole seconds; so does the token.
  const issuedAt = new Date(now.getTime());
  const expiresAt = new Date(Math.floor(now.getTime() / 1000) * 1000 + input.durationSeconds * 1000);
  const session = sessionInfo(input.session, issuedAt, expiresAt, sessionId);
  const payload = { identity, session };
  const SessionToken = sealSessionToken(key.id, services.keys.subkey(key, 'token'), accessKeyId, payload);
  const SecretAccessKey = deriveSecret(services.keys.subkey(key, 'secret'), accessKeyId, sessionId);
  return {
    credentials: { AccessKeyId: accessKeyId, SecretAccessKey, SessionToken, Expiration: expiresAt },
    packedPolicySize: packed,
    sessionId,
    expiresAt,
    caller: callerFromPayload(payload, accessKeyId),
  };
}

/**
 * The session with its times and id, every field named (a TypeScript error when SessionInfo
 * gains one): `{ ...s, issuedAt, … }` builds a slow dictionary-mode object in V8 (~2.5 µs, and
 * the token's JSON.stringify is slower on it).
 */
function sessionInfo(s: IssueInput['session'], issuedAt: Date, expiresAt: Date, sessionId: string): SessionInfo {
  const out: SessionInfo = {
    issuedBy: s.issuedBy,
    roleId: s.roleId,
    roleName: s.roleName,
    roleArn: s.roleArn,
    sessionName: s.sessionName,
    parentUserId: s.parentUserId,
    sessionPolicy: s.sessionPolicy,
    policyArns: s.policyArns,
    tags: s.tags,
    transitiveTagKeys: s.transitiveTagKeys,
    sourceIdentity: s.sourceIdentity,
    mfaAuthenticated: s.mfaAuthenticated,
    mfaAuthTime: s.mfaAuthTime,
    federatedProvider: s.federatedProvider,
    federatedContext: s.federatedContext,
    chained: s.chained,
    lineage: s.lineage,
    issuedAt,
    expiresAt,
    sessionId,
  } satisfies Record<keyof SessionInfo, unknown>;
  return out;
}

/** The unique id of the user or role whose existence a session depends on. */
export const sessionOwner = (s: Pick<SessionInfo, 'roleId' | 'parentUserId'>): string | undefined => s.roleId ?? s.parentUserId;

/**
 * The lineage of a session issued to `parent`: none for long-term credentials; for temporary
 * ones the parent's own lineage plus the parent (root first). Revoking any session of it revokes
 * the new one (src/sts/revocation.ts). A chain that would be deeper than MAX_LINEAGE is refused
 * (ValidationError) rather than forgetting an ancestor, which would make it unrevocable.
 */
export function lineageOf(parent: Caller): SessionAncestor[] | undefined {
  const s = parent.session;
  if (parent.credential !== 'temporary' || !s) return undefined;
  const up = s.lineage ?? [];
  if (up.length >= MAX_LINEAGE) {
    throw Errors.validation(`Role chaining is limited to ${MAX_LINEAGE + 1} sessions: the calling session is already ${up.length + 1} sessions deep.`);
  }
  return [...up, { sessionId: s.sessionId, accessKeyId: parent.accessKeyId, roleId: s.roleId, issuedAt: s.issuedAt, ownerId: sessionOwner(s) ?? parent.principalId }];
}

/** Non-secret audit fields of an issuance. */
export const issuedAudit = (i: IssuedCredentials) => ({
  issuedAccessKeyId: i.credentials.AccessKeyId,
  sessionId: i.sessionId,
  expiration: i.expiresAt.toISOString(),
});

export interface RoleRef {
  accountId: string;
  roleId: string;
  roleName: string;
  roleArn: string;
}

/** arn:aws:sts::ACCT:assumed-role/ROLE/SESSION, userId AROA…:SESSION; policies are the role's. */
export function assumedRoleIdentity(partition: string, role: RoleRef, sessionName: string): TokenIdentity {
  return {
    type: 'AssumedRole',
    accountId: role.accountId,
    arn: `arn:${partition}:sts::${role.accountId}:assumed-role/${role.roleName}/${sessionName}`,
    userId: `${role.roleId}:${sessionName}`,
    userName: undefined,
    principalId: role.roleId,
    principalArn: role.roleArn,
    isRoot: false,
  };
}

/** arn:aws:sts::ACCT:federated-user/NAME, userId ACCT:NAME; policies are the parent user's. */
export function federatedUserIdentity(partition: string, parent: Caller, name: string): TokenIdentity {
  return {
    type: 'FederatedUser',
    accountId: parent.accountId,
    arn: `arn:${partition}:sts::${parent.accountId}:federated-user/${name}`,
    userId: `${parent.accountId}:${name}`,
    userName: undefined,
    principalId: parent.principalId,
    principalArn: parent.principalArn,
    isRoot: false,
  };
}

/** GetSessionToken: the same identity as the long-term caller (user or root). */
export function sameIdentity(c: Caller): TokenIdentity {
  return {
    type: c.type,
    accountId: c.accountId,
    arn: c.arn,
    userId: c.userId,
    userName: c.userName,
    principalId: c.principalId,
    principalArn: c.principalArn,
    isRoot: c.isRoot,
  };
}
