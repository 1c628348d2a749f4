import type { Operation } from '../protocols/operation.js';
import { GetCallerIdentity } from './GetCallerIdentity.js';
import { GetAccessKeyInfo } from './GetAccessKeyInfo.js';
import { GetSessionToken } from './GetSessionToken.js';
import { AssumeRole } from './AssumeRole.js';
import { GetFederationToken } from './GetFederationToken.js';
import { DecodeAuthorizationMessage } from './DecodeAuthorizationMessage.js';
import { GetWebIdentityToken } from './GetWebIdentityToken.js';
import { AssumeRoleWithWebIdentity } from './AssumeRoleWithWebIdentity.js';
import { AssumeRoleWithSAML } from './AssumeRoleWithSAML.js';
import { RevokeSession } from './revoke/RevokeSession.js';
import { RevokeRoleSessions } from './revoke/RevokeRoleSessions.js';

/** STS actions (Version 2011-06-15), plus Tessera's session revocation actions (IAM namespace): one line each. */
export const stsOperations: Operation[] = [
  GetCallerIdentity,
  GetAccessKeyInfo,
  GetSessionToken,
  AssumeRole,
  GetFederationToken,
  DecodeAuthorizationMessage,
  GetWebIdentityToken,
  AssumeRoleWithWebIdentity,
  AssumeRoleWithSAML,
  RevokeSession,
  RevokeRoleSessions,
];
