/**
 * Who is calling: resolved from the SigV4 access key id (long-term AKIA keys from Postgres,
 * temporary ASIA keys from their sealed session token). Values follow AWS's GetCallerIdentity
 * and aws:Principal* condition keys.
 */
export type PrincipalType = 'Account' | 'User' | 'AssumedRole' | 'FederatedUser';

export interface Caller {
  /** aws:PrincipalType */
  type: PrincipalType;
  accountId: string;
  /** GetCallerIdentity Arn: arn:aws:iam::ACCT:root, …:user/path/name, arn:aws:sts::ACCT:assumed-role/R/S */
  arn: string;
  /** GetCallerIdentity UserId: the account id (root), AIDA… (user), AROA…:session (role). */
  userId: string;
  accessKeyId: string;
  credential: 'long-term' | 'temporary';
  /** IAM user name (users and root's "root"), or undefined. */
  userName?: string | undefined;
  /** The IAM user id / role id behind the caller (for policy lookups). */
  principalId: string;
  /** The ARN of the IAM entity whose policies apply (user or role ARN). */
  principalArn: string;
  isRoot: boolean;
  mfaAuthenticated?: boolean;
  /** When the credentials were issued (aws:TokenIssueTime) for temporary credentials. */
  tokenIssueTime?: Date;
}
