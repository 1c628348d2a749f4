import { defineOperation } from '../awsquery/operation.js';
import { Errors } from '../errors/index.js';
import { assumeFederated, auditIdentity, checkSourceIdentity } from '../federation/assume.js';
import { federationDirectory, parseRoleArn } from '../federation/directory.js';
import { verifyWebIdentityToken } from '../federation/oidc/verify.js';
import { renderCredentials } from './render.js';
import { readSessionPolicy, SESSION_NAME, SESSION_NAME_TEXT } from './session-input.js';

/**
 * AssumeRoleWithWebIdentity (unsigned): an OIDC id_token or JWT access token from a provider
 * registered in the role's account → temporary credentials for the role.
 *   parseInput → findRole → verifyToken (src/federation/oidc) → checkSourceIdentity
 *   → assumeFederated (trust policy, duration, mint, audit) → respond.
 * An unknown role is AccessDenied like a refusing trust policy (AWS reveals neither).
 */
export const AssumeRoleWithWebIdentity = defineOperation({
  service: 'sts',
  name: 'AssumeRoleWithWebIdentity',
  auth: 'none',
  parse: (p) => ({
    roleArn: p.string('RoleArn', { required: true, min: 20, max: 2048 }),
    roleSessionName: p.string('RoleSessionName', { required: true, min: 2, max: 64, pattern: SESSION_NAME, patternText: SESSION_NAME_TEXT }),
    webIdentityToken: p.string('WebIdentityToken', { required: true, min: 4, max: 20000, sensitive: true }),
    providerId: p.string('ProviderId', { min: 4, max: 2048 }),
    sessionPolicy: readSessionPolicy(p),
    durationSeconds: p.int('DurationSeconds', { min: 900, max: 43200 }),
  }),
  run: async (ctx, input) => {
    const { services } = ctx;
    Object.assign(ctx.audit, { roleArn: input.roleArn, roleSessionName: input.roleSessionName });
    if (input.providerId !== undefined) {
      throw Errors.invalidParameterValue(
        'ProviderId is only used for OAuth 2.0 access tokens from www.amazon.com and graph.facebook.com, which Tessera does not accept; omit it for OpenID Connect tokens.',
      );
    }
    const dir = federationDirectory(services);
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
    return { issued, identity, sourceIdentity };
  },
  render: ({ issued, identity, sourceIdentity }) => ({
    Credentials: renderCredentials(issued),
    SubjectFromWebIdentityToken: identity.subject,
    AssumedRoleUser: { AssumedRoleId: issued.caller.userId, Arn: issued.caller.arn },
    PackedPolicySize: issued.packedPolicySize,
    Provider: identity.issuer,
    Audience: identity.audience,
    SourceIdentity: sourceIdentity,
  }),
});
