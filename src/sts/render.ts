import type { IssuedCredentials } from './issue.js';

/** The `<Credentials>` element, in AWS's element order. */
export const renderCredentials = (i: IssuedCredentials) => ({
  AccessKeyId: i.credentials.AccessKeyId,
  SecretAccessKey: i.credentials.SecretAccessKey,
  SessionToken: i.credentials.SessionToken,
  Expiration: i.credentials.Expiration,
});
