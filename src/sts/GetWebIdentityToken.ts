import { defineOperation } from '../protocols/operation.js';
import { Errors } from '../errors/index.js';
import { authorize, type ContextValue } from '../iam/authorize.js';
import { assertUniqueTagKeys } from '../iam/common.js';
import { signJwt } from '../keys/jwt.js';

/**
 * Outbound web identity federation: an audience-bound JWT about the caller, signed with a
 * rotating asymmetric key (RS256 or ES384) and verifiable offline against
 * `${publicUrl}/.well-known/jwks.json`. Claims: iss = publicUrl, sub = the caller's ARN, aud,
 * iat, nbf, exp, jti, and `https://sts.amazonaws.com/` { aws_account, principal_id,
 * request_tags, principal_tags } (session tags and the tags passed here).
 * Needs sts:GetWebIdentityToken (context keys sts:IdentityTokenAudience, sts:SigningAlgorithm,
 * sts:DurationSeconds, aws:RequestTag/*, aws:TagKeys).
 */
export const MAX_JWT_PAYLOAD_BYTES = 8192;

export const GetWebIdentityToken = defineOperation({
  service: 'sts',
  name: 'GetWebIdentityToken',
  auth: 'sigv4',
  async run(ctx, wire) {
    const input = { audience: wire.Audience, signingAlgorithm: wire.SigningAlgorithm, durationSeconds: wire.DurationSeconds, tags: wire.Tags };
    const { caller, req } = ctx;
    const duration = input.durationSeconds ?? 300;
    const tags = input.tags ?? [];
    assertUniqueTagKeys(tags);
    const extra: Record<string, ContextValue> = {
      'sts:IdentityTokenAudience': input.audience,
      'sts:SigningAlgorithm': input.signingAlgorithm,
      'sts:DurationSeconds': duration,
    };
    for (const t of tags) extra[`aws:RequestTag/${t.Key}`] = t.Value;
    if (tags.length) extra['aws:TagKeys'] = tags.map((t) => t.Key);
    Object.assign(ctx.audit, { audience: input.audience, signingAlgorithm: input.signingAlgorithm, durationSeconds: duration });
    await authorize(ctx, 'sts:GetWebIdentityToken', '*', extra);
    const iat = Math.floor(req.now.getTime() / 1000);
    const exp = iat + duration;
    const claims: Record<string, unknown> = {
      iss: ctx.services.config.publicUrl,
      sub: caller.arn,
      aud: input.audience.length === 1 ? input.audience[0] : input.audience,
      iat,
      nbf: iat,
      exp,
      jti: ctx.services.random.uuid(),
      'https://sts.amazonaws.com/': {
        aws_account: caller.accountId,
        principal_id: caller.principalArn,
        ...(caller.session?.sourceIdentity ? { source_identity: caller.session.sourceIdentity } : {}),
        ...(caller.session?.tags ? { principal_tags: caller.session.tags } : {}),
        ...(tags.length ? { request_tags: Object.fromEntries(tags.map((t) => [t.Key, t.Value])) } : {}),
      },
    };
    if (Buffer.byteLength(JSON.stringify(claims)) > MAX_JWT_PAYLOAD_BYTES) {
      throw Errors.jwtPayloadSizeExceeded(`The JWT payload exceeds the maximum size of ${MAX_JWT_PAYLOAD_BYTES} bytes. Reduce the number or size of tags or audiences.`);
    }
    const token = await signJwt(ctx.services.keys, input.signingAlgorithm, claims, req.now);
    ctx.audit.jti = claims.jti;
    return { WebIdentityToken: token, Expiration: new Date(exp * 1000) };
  },
});
