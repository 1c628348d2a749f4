import { defineOperation } from '../protocols/operation.js';
import { Errors } from '../errors/index.js';
import { authorize } from '../iam/authorize.js';
import { federatedUserIdentity, issueCredentials, issuedAudit } from './issue.js';
import { credentialsShape } from './render.js';
import { checkSessionPolicy, resolveTags, sessionPolicyOf, sessionTagsOf, tagRequestContext } from './session-input.js';

/**
 * Credentials for a federated user: arn:aws:sts::ACCT:federated-user/NAME with the calling IAM
 * user's permissions ∩ the session policies passed here (none passed: nothing is allowed, as
 * AWS documents). Needs sts:GetFederationToken on the federated-user ARN (sts:TagSession with
 * tags). Long-term credentials only; root sessions last at most 1 hour.
 */
export const GetFederationToken = defineOperation({
  service: 'sts',
  name: 'GetFederationToken',
  auth: 'sigv4',
  async run(ctx, wire) {
    // (The model gives GetFederationToken no TransitiveTagKeys.)
    const input = { name: wire.Name, durationSeconds: wire.DurationSeconds, ...sessionPolicyOf(wire), ...sessionTagsOf(wire) };
    const { caller, services, req } = ctx;
    ctx.audit.federatedUserName = input.name;
    if (caller.credential === 'temporary') throw Errors.accessDenied('Cannot call GetFederationToken with session credentials');
    checkSessionPolicy(input);
    const tags = resolveTags(null, input);
    const identity = federatedUserIdentity(services.config.partition, caller, input.name);
    const extra = tagRequestContext(tags.requested, input.transitiveTagKeys);
    await authorize(ctx, 'sts:GetFederationToken', identity.arn, extra);
    if (tags.requested.length) await authorize(ctx, 'sts:TagSession', identity.arn, extra);
    const duration = caller.isRoot ? Math.min(input.durationSeconds ?? 3600, 3600) : (input.durationSeconds ?? 43200);
    // No session policy at all: the federated user can do nothing (AWS: "you must pass a policy").
    const noPolicy = input.policy === undefined && !input.policyArns?.length;
    const issued = await issueCredentials(services, {
      identity,
      session: {
        issuedBy: 'GetFederationToken',
        sessionName: input.name,
        parentUserId: caller.principalId,
        sessionPolicy: noPolicy ? '{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]}' : input.policy,
        policyArns: input.policyArns,
        tags: tags.tags,
        transitiveTagKeys: tags.transitiveTagKeys,
      },
      durationSeconds: duration,
      now: req.now,
    });
    Object.assign(ctx.audit, { issuedBy: 'GetFederationToken', durationSeconds: duration, sessionTagKeys: Object.keys(tags.tags ?? {}) }, issuedAudit(issued));
    return {
      Credentials: credentialsShape(issued),
      FederatedUser: { FederatedUserId: issued.caller.userId, Arn: issued.caller.arn },
      PackedPolicySize: noPolicy && !tags.tags ? undefined : issued.packedPolicySize,
    };
  },
});
