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
  /** Temporary credentials only: what the session is. */
  session?: SessionInfo | undefined;
}

/**
 * What a temporary credential carries (sealed inside its session token, never readable by the
 * holder). Filled by STS when it issues credentials; read by authorization.
 */
export interface SessionInfo {
  /** Which STS action issued it. */
  issuedBy: 'AssumeRole' | 'AssumeRoleWithWebIdentity' | 'AssumeRoleWithSAML' | 'GetSessionToken' | 'GetFederationToken';
  /** Role sessions: the role's unique id (AROA…), name and ARN. */
  roleId?: string | undefined;
  roleName?: string | undefined;
  roleArn?: string | undefined;
  /** The session name (assumed roles) or federated user name. */
  sessionName?: string | undefined;
  /** GetSessionToken: the IAM user (or root) whose long-term key requested it. */
  parentUserId?: string | undefined;
  /** Inline session policy text and managed session policy ARNs (PolicyArns). */
  sessionPolicy?: string | undefined;
  policyArns?: string[] | undefined;
  /** Session tags (case-preserving keys) and which of them are transitive. */
  tags?: Record<string, string> | undefined;
  transitiveTagKeys?: string[] | undefined;
  sourceIdentity?: string | undefined;
  /** MFA was used to obtain the session, and when. */
  mfaAuthenticated?: boolean | undefined;
  mfaAuthTime?: Date | undefined;
  /** Federated sessions: the provider (OIDC issuer host/path or SAML provider ARN) and the subject. */
  federatedProvider?: string | undefined;
  /** Condition keys from the IdP that persist into later requests (e.g. `<prov>:sub`, `saml:sub`). */
  federatedContext?: Record<string, string | string[]> | undefined;
  /** True when this session was itself created with temporary credentials (role chaining). */
  chained?: boolean | undefined;
  /**
   * The sessions this one was chained from (AssumeRole or /oauth2/token exchange with temporary
   * credentials), root first, the direct parent last; at most MAX_LINEAGE. Revoking any of them
   * revokes this session too, and each one's owner (role or parent user) must still exist for
   * this session to work (TemporaryCredentials).
   */
  lineage?: SessionAncestor[] | undefined;
  issuedAt: Date;
  expiresAt: Date;
  /** Unique id of this session (for revocation). */
  sessionId: string;
}

/** One session of a chain, as its descendants carry it (enough to check its revocation). */
export interface SessionAncestor {
  sessionId: string;
  accessKeyId: string;
  roleId?: string | undefined;
  issuedAt: Date;
  /** Unique id (AROA…/AIDA…) of the role or user the ancestor session belonged to. */
  ownerId: string;
}
