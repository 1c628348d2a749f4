import { defineOperation } from '../protocols/operation.js';
import { Errors } from '../errors/index.js';
import { assumeFederated, auditIdentity, checkSourceIdentity } from './federated-assume.js';
import { parseRoleArn } from '../federation/directory.js';
import { SAML_CLOCK_SKEW_MS } from '../federation/saml/verify.js';
import { workerPool } from '../workers/pool.js';
import { assumedRoleUserShape, credentialsShape } from './render.js';
import { sessionPolicyOf } from './session-input.js';

/**
 * AssumeRoleWithSAML (unsigned): a base64 SAML 2.0 Response from the IdP named by PrincipalArn →
 * temporary credentials for RoleArn.
 *   (input validated against the model by the adapter) → findProvider → verifyAssertion (src/federation/saml, in a worker thread) → rolePairGranted →
 *   sessionName/sourceIdentity from attributes → acceptOnce (one_time_uses) → assumeFederated → respond.
 * RoleSessionName, SourceIdentity and session tags come from the assertion's attributes.
 */
const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;

export const AssumeRoleWithSAML = defineOperation({
  service: 'sts',
  name: 'AssumeRoleWithSAML',
  auth: 'none',
  async run(ctx, wire) {
    const input = {
      roleArn: wire.RoleArn,
      principalArn: wire.PrincipalArn,
      samlAssertion: wire.SAMLAssertion,
      sessionPolicy: sessionPolicyOf(wire),
      durationSeconds: wire.DurationSeconds,
    };
    const { services } = ctx;
    Object.assign(ctx.audit, { roleArn: input.roleArn, provider: input.principalArn });
    const dir = services.federationDirectory;
    if (!parseRoleArn(input.roleArn)) throw Errors.validation(`${input.roleArn} is invalid`);
    const provider = await dir.samlProvider(input.principalArn);
    if (!provider) throw Errors.invalidIdentityToken("Specified provider doesn't exist");
    // Parsing and signature verification run in the SAML worker pool, off the event loop.
    const identity = await workerPool('saml').run('saml.verify', {
      b64: input.samlAssertion,
      verification: { provider, sp: dir.samlServiceProvider(), accountId: provider.arn.split(':')[4]!, now: ctx.req.now },
    });
    auditIdentity(ctx, identity);

    const granted = identity.saml?.roles.some((r) => r.roleArn === input.roleArn && r.providerArn === input.principalArn);
    if (!granted) throw Errors.idpRejectedClaim('The SAML assertion does not grant the requested role and provider (https://aws.amazon.com/SAML/Attributes/Role)');
    const sessionName = identity.session.sessionName;
    if (sessionName === undefined) throw Errors.invalidIdentityToken('RoleSessionName is required in AuthnResponse');
    if (!SESSION_NAME.test(sessionName)) throw Errors.invalidIdentityToken('RoleSessionName in AuthnResponse must match [a-zA-Z_0-9+=,.@-]{2,64}');
    ctx.audit.roleSessionName = sessionName;
    const sourceIdentity = checkSourceIdentity(identity.session.sourceIdentity, 'AuthnResponse');
    if (sourceIdentity) ctx.audit.sourceIdentity = sourceIdentity;

    // Each assertion is accepted once (durably: Postgres decides), until it could no longer be accepted anyway.
    const until = new Date(identity.tokenExpiresAt.getTime() + SAML_CLOCK_SKEW_MS);
    if (!(await services.oneTimeUses.consume('saml-assertion', `${provider.arn}\n${identity.tokenId ?? ''}`, until, ctx.req.now))) {
      throw Errors.invalidIdentityToken('This SAML assertion has already been used');
    }

    const role = await dir.role(input.roleArn);
    if (!role) throw Errors.accessDenied('Not authorized to perform sts:AssumeRoleWithSAML');
    const issued = await assumeFederated(ctx, {
      identity,
      role,
      sessionName,
      sourceIdentity,
      sessionPolicy: input.sessionPolicy,
      durationSeconds: input.durationSeconds ?? 3600,
    });
    return {
      Credentials: credentialsShape(issued),
      AssumedRoleUser: assumedRoleUserShape(issued),
      PackedPolicySize: issued.packedPolicySize,
      Subject: identity.subject,
      SubjectType: identity.subjectType,
      Issuer: identity.issuer,
      Audience: identity.audience,
      NameQualifier: identity.saml?.nameQualifier,
      SourceIdentity: sourceIdentity,
    };
  },
});
