import type { Credentials } from '../protocols/generated/sts.js';
import type { IssuedCredentials } from './issue.js';

/** The model's `Credentials` of an issuance. */
export const credentialsShape = (i: IssuedCredentials): Credentials => ({
  AccessKeyId: i.credentials.AccessKeyId,
  SecretAccessKey: i.credentials.SecretAccessKey,
  SessionToken: i.credentials.SessionToken,
  Expiration: i.credentials.Expiration,
});

/** The model's `AssumedRoleUser` of an issuance to a role session. */
export const assumedRoleUserShape = (i: IssuedCredentials) => ({ AssumedRoleId: i.caller.userId, Arn: i.caller.arn });
