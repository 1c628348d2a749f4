import { defineOperation } from '../protocols/operation.js';
import { Errors } from '../errors/index.js';
import { assumeFederated, auditIdentity, checkSourceIdentity } from './federated-assume.js';
import { parseRoleArn } from '../federation/directory.js';
import { verifyWebIdentityToken } from '../federation/oidc/verify.js';
import { assumedRoleUserShape, credentialsShape } from './render.js';
import { sessionPolicyOf } from './session-input.js';

/**
 * AssumeRoleWithWebIdentity (unsigned): an OIDC id_token or JWT access token from a provider
 * registered in the role's account → temporary credentials for the role.
 *   (input validated against the model by the adapter) → findRole → verifyToken (src/federation/oidc) → checkSourceIdentity
 *   → assumeFederated (trust policy, duration, mint, audit) → respond.
 * An unknown role is AccessDenied like a refusing trust policy (AWS reveals neither).
 */
export const AssumeRoleWithWebIdentity = defineOperation({
  service: 'sts',
  name: 'AssumeRoleWithWebIdentity',
  auth: 'none',
  async run(ctx, wire) {
    const input = {
      roleArn: wire.RoleArn,
      roleSessionName: wire.RoleSessionName,
      webIdentityToken: wire.WebIdentityToken,
      providerId: wire.ProviderId,
      sessionPolicy: sessionPolicyOf(wire),
      durationSeconds: wire.DurationSeconds,
    };
    const { services } = ctx;
    Object.assign(ctx.audit, { roleArn: input.roleArn, roleSessionName: input.roleSessionName });
    if (input.providerId !== undefined) {
      throw Errors.invalidParameterValue(
        'ProviderId is only used for OAuth 2.0 access tokens from www.amazon.com and graph.facebook.com, which Tessera does not accept; omit it for OpenID Connect tokens.',
      );
    }
    const dir = services.federationDirectory;
    const parsed = parseRoleArn(input.roleArn);
    if (!parsed) throw Errors.validation(`${input.roleArn} is invalid`);
    const role = await dir.role(input.roleArn);
    const identity = await verifyWebIdentityToken(input.webIdentityToken, {
      findProvider: (iss) => dir.oidcProvider(parsed.accountId, iss),
      jwks: dir.jwks,
      allowInsecure: services.config.allowInsecureIssuers,
      now: ctx.req.now,
    });
    auditIdentity(ctx, identity);
    const sourceIdentity = checkSourceIdentity(identity.session.sourceIdentity, 'the web identity token');
    if (sourceIdentity) ctx.audit.sourceIdentity = sourceIdentity;
    if (!role) throw Errors.accessDenied('Not authorized to perform sts:AssumeRoleWithWebIdentity');
    const issued = await assumeFederated(ctx, {
      identity,
      role,
      sessionName: input.roleSessionName,
      sourceIdentity,
      sessionPolicy: input.sessionPolicy,
      durationSeconds: input.durationSeconds ?? 3600,
    });
    return {
      Credentials: credentialsShape(issued),
      SubjectFromWebIdentityToken: identity.subject,
      AssumedRoleUser: assumedRoleUserShape(issued),
      PackedPolicySize: issued.packedPolicySize,
      Provider: identity.issuer,
      Audience: identity.audience,
      SourceIdentity: sourceIdentity,
    };
  },
});
