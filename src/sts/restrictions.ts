import { Errors } from '../errors/index.js';
import type { Caller } from '../tokens/caller.js';
import type { ServiceName } from '../protocols/operation.js';

/**
 * What temporary credentials may call, by how they were obtained (STS API reference):
 * - AssumeRole* sessions: not GetFederationToken / GetSessionToken.
 * - GetSessionToken: on STS only AssumeRole and GetCallerIdentity; no IAM API unless MFA was
 *   used (AWS answers InvalidClientTokenId there, as if the token were unknown to IAM).
 * - GetFederationToken: on STS only GetCallerIdentity; no IAM API at all.
 * Called by the Query adapter after authentication, before the action runs. Tessera's own
 * extension actions follow the same rules as the IAM API.
 */
export function enforceCredentialScope(caller: Caller, service: ServiceName, action: string): void {
  const s = caller.session;
  if (caller.credential !== 'temporary' || !s) return;
  const sessionCreds = () => Errors.accessDenied(`Cannot call ${action} with session credentials`);
  switch (s.issuedBy) {
    case 'GetSessionToken':
      if (service === 'iam' && !s.mfaAuthenticated) throw Errors.invalidClientTokenId();
      if (service === 'sts' && action !== 'AssumeRole' && action !== 'GetCallerIdentity') throw sessionCreds();
      return;
    case 'GetFederationToken':
      if (service === 'iam') throw Errors.invalidClientTokenId();
      if (service === 'sts' && action !== 'GetCallerIdentity') throw sessionCreds();
      return;
    default:
      if (service === 'sts' && (action === 'GetSessionToken' || action === 'GetFederationToken')) throw sessionCreds();
  }
}
