import express from 'express';
import type { Services } from '../services.js';
import { JWT_ALGORITHMS, jwks } from '../keys/jwt.js';

/**
 * Tessera as a token issuer (issuer = config.publicUrl): OpenID discovery and the JWK set that
 * verifies GetWebIdentityToken JWTs offline.
 *   GET /.well-known/openid-configuration
 *   GET /.well-known/jwks.json
 */
export function oidcDiscoveryRouter(services: Services): express.Router {
  const r = express.Router();
  const issuer = services.config.publicUrl;
  r.get('/.well-known/openid-configuration', (_req, res) => {
    res.set('cache-control', 'public, max-age=300').json({
      issuer,
      jwks_uri: `${issuer}/.well-known/jwks.json`,
      response_types_supported: ['id_token'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: JWT_ALGORITHMS,
      claims_supported: ['iss', 'sub', 'aud', 'iat', 'nbf', 'exp', 'jti'],
    });
  });
  r.get('/.well-known/jwks.json', async (_req, res) => {
    res.set('cache-control', 'public, max-age=300').json(await jwks(services.keys, services.now()));
  });
  return r;
}
