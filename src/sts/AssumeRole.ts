import { defineOperation } from '../protocols/operation.js';
import { Errors } from '../errors/index.js';
import type { ContextValue } from '../iam/authorize.js';
import type { AuthedContext } from '../protocols/operation.js';
import type { SessionAncestor } from '../tokens/caller.js';
import type { MfaInput } from './mfa.js';
import type { SessionPolicyInput, SessionTagsInput } from './session-input.js';
import { checkMfa, mfaOf } from './mfa.js';
import { assumedRoleIdentity, issueCredentials, issuedAudit, lineageOf } from './issue.js';
import { assumedRoleUserShape, credentialsShape } from './render.js';
import { findRole } from './roles.js';
import { compileTrust, trustAllows } from './trust-check.js';
import { checkSessionPolicy, resolveTags, sessionPolicyOf, sessionTagsOf, tagRequestContext } from './session-input.js';

/**
 * AssumeRole, as a list of steps:
 *   (input validated against the model by the adapter) → refuse root → lineage (a chain of at most 17 sessions) → validate session policy and tags → find role → duration limits
 *   (role MaxSessionDuration; 1 h when chaining) → MFA code → source identity (sticky along a
 *   chain) → trust policy for sts:AssumeRole (+ sts:TagSession with tags, + sts:SetSourceIdentity)
 *   → issue → audit.
 * A role that does not exist is denied like one the caller may not assume (AWS reveals nothing).
 */
const DENY = (callerArn: string, action: string, roleArn: string) =>
  Errors.accessDenied(`User: ${callerArn} is not authorized to perform: ${action} on resource: ${roleArn}`);

export const AssumeRole = defineOperation({
  service: 'sts',
  name: 'AssumeRole',
  auth: 'sigv4',
  async run(ctx, wire) {
    const { output } = await assumeRole(ctx, {
      roleArn: wire.RoleArn,
      roleSessionName: wire.RoleSessionName,
      durationSeconds: wire.DurationSeconds,
      externalId: wire.ExternalId,
      sourceIdentity: wire.SourceIdentity,
      mfa: mfaOf(wire),
      ...sessionPolicyOf(wire),
      ...sessionTagsOf(wire),
    });
    return output;
  },
});

export interface AssumeRoleInput extends SessionPolicyInput, SessionTagsInput {
  roleArn: string;
  roleSessionName: string;
  durationSeconds: number | undefined;
  externalId: string | undefined;
  sourceIdentity: string | undefined;
  mfa: MfaInput;
}

/**
 * What a caller that is not a signed request brings (the people path, src/sso/issue.ts): the
 * login session's MFA proof — the request then carries aws:MultiFactorAuthPresent=true and
 * aws:MultiFactorAuthAge as a code given now would, counted from when it was proved — and the
 * login session as the first ancestor of the lineage, so revoking the login session revokes
 * every credential issued from it (and every session chained from those).
 */
export interface AssumeRoleVia {
  mfa?: { authTime: Date | undefined } | undefined;
  lineage?: SessionAncestor[] | undefined;
}

/** AssumeRole's steps (above), for the operation and for the people path. */
export async function assumeRole(ctx: AuthedContext, input: AssumeRoleInput, via: AssumeRoleVia = {}) {
    const { caller, services, req } = ctx;
    Object.assign(ctx.audit, { roleArn: input.roleArn, roleSessionName: input.roleSessionName, sourceIdentity: input.sourceIdentity });
    if (caller.isRoot) throw Errors.accessDenied('Roles may not be assumed by root accounts.');
    checkSessionPolicy(input);
    const lineage = via.lineage ?? lineageOf(caller);
    const tags = resolveTags(caller, input);
    const role = await findRole(services, input.roleArn);
    if (!role) throw DENY(caller.arn, 'sts:AssumeRole', input.roleArn);
    ctx.audit.roleId = role.roleId;

    const chained = caller.credential === 'temporary' && caller.type === 'AssumedRole';
    const duration = input.durationSeconds ?? 3600;
    if (duration > role.maxSessionDuration) throw Errors.validation('The requested DurationSeconds exceeds the MaxSessionDuration set for this role.');
    if (chained && duration > 3600) throw Errors.validation('The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.');

    const mfaNow = await checkMfa(ctx, input.mfa, 'AssumeRole');
    const inherited = caller.session?.sourceIdentity;
    if (inherited !== undefined && input.sourceIdentity !== undefined && input.sourceIdentity !== inherited) {
      throw Errors.accessDenied(`User: ${caller.arn} is not authorized to perform: sts:SetSourceIdentity on resource: ${role.roleArn} because the source identity of the calling session cannot be changed`);
    }
    const sourceIdentity = inherited ?? input.sourceIdentity;

    const extra: Record<string, ContextValue> = {
      'sts:RoleSessionName': input.roleSessionName,
      ...tagRequestContext(tags.requested, input.transitiveTagKeys),
    };
    if (input.externalId !== undefined) extra['sts:ExternalId'] = input.externalId;
    if (sourceIdentity !== undefined) extra['sts:SourceIdentity'] = sourceIdentity;
    const viaMfa = !mfaNow && via.mfa !== undefined;
    if (mfaNow) {
      extra['aws:MultiFactorAuthPresent'] = true;
      extra['aws:MultiFactorAuthAge'] = 0;
    } else if (viaMfa) {
      extra['aws:MultiFactorAuthPresent'] = true;
      if (via.mfa!.authTime) extra['aws:MultiFactorAuthAge'] = Math.max(0, Math.floor((req.now.getTime() - via.mfa!.authTime.getTime()) / 1000));
    }
    const trust = compileTrust(role);
    const checks = ['sts:AssumeRole'];
    if (tags.requested.length || input.transitiveTagKeys?.length) checks.push('sts:TagSession');
    if (input.sourceIdentity !== undefined && inherited === undefined) checks.push('sts:SetSourceIdentity');
    for (const action of checks) {
      const d = await trustAllows(ctx, role, trust, action, extra);
      if (!d.allowed) {
        ctx.audit.denied = { action, decision: d.decision, reason: d.reason };
        throw DENY(caller.arn, action, role.roleArn);
      }
    }

    const mfa = mfaNow || viaMfa || caller.session?.mfaAuthenticated === true;
    const issued = await issueCredentials(services, {
      identity: assumedRoleIdentity(services.config.partition, role, input.roleSessionName),
      session: {
        issuedBy: 'AssumeRole',
        roleId: role.roleId,
        roleName: role.roleName,
        roleArn: role.roleArn,
        sessionName: input.roleSessionName,
        sessionPolicy: input.policy,
        policyArns: input.policyArns,
        tags: tags.tags,
        transitiveTagKeys: tags.transitiveTagKeys,
        sourceIdentity,
        mfaAuthenticated: mfa || undefined,
        mfaAuthTime: mfaNow ? req.now : viaMfa ? via.mfa!.authTime : mfa ? caller.session?.mfaAuthTime : undefined,
        chained: caller.credential === 'temporary' || undefined,
        lineage,
      },
      durationSeconds: duration,
      now: req.now,
    });
    Object.assign(ctx.audit, { issuedBy: 'AssumeRole', durationSeconds: duration, chained, parentSessionId: lineage?.at(-1)?.sessionId, sessionTagKeys: Object.keys(tags.tags ?? {}), sourceIdentity }, issuedAudit(issued));
    const output = {
      Credentials: credentialsShape(issued),
      AssumedRoleUser: assumedRoleUserShape(issued),
      PackedPolicySize: issued.packedPolicySize,
      SourceIdentity: sourceIdentity,
    };
    return { output, issued };
}
