/**
 * Public types of the policy engine. Everything here is plain data.
 */

/** Which slot a policy fills; it decides which elements are required or prohibited. */
export type PolicyKind = 'identity' | 'resource' | 'trust' | 'scp' | 'rcp' | 'boundary' | 'session';

export type PolicyVersion = '2012-10-17' | '2008-10-17';

/** A 1-based line and column in the original policy text (AWS `Position`). */
export interface Position {
  readonly line: number;
  readonly column: number;
}

/** A parsed, validated policy. Values are normalized to arrays; nothing is compiled yet. */
export interface ParsedPolicy {
  readonly kind: PolicyKind;
  /** The Version element; `undefined` when absent (then 2008-10-17 rules apply: no variables). */
  readonly version: PolicyVersion | undefined;
  readonly id: string | undefined;
  readonly statements: readonly ParsedStatement[];
  /** The original text (kept for positions and hashing). */
  readonly text: string;
}

export type Effect = 'Allow' | 'Deny';

export interface ParsedPrincipal {
  /** `"Principal": "*"` */
  readonly wildcard: boolean;
  readonly aws: readonly string[];
  readonly federated: readonly string[];
  readonly service: readonly string[];
  readonly canonicalUser: readonly string[];
}

export interface ParsedCondition {
  /** The operator as written, e.g. `ForAnyValue:StringLikeIfExists`. */
  readonly operator: string;
  /** The condition key as written (keys are matched case-insensitively). */
  readonly key: string;
  /** Values as strings (JSON numbers and booleans keep their source text). */
  readonly values: readonly string[];
}

export interface ParsedStatement {
  /** 0-based position in the Statement list. */
  readonly index: number;
  readonly sid: string | undefined;
  readonly effect: Effect;
  readonly principal?: ParsedPrincipal;
  readonly notPrincipal?: ParsedPrincipal;
  readonly action?: readonly string[];
  readonly notAction?: readonly string[];
  readonly resource?: readonly string[];
  readonly notResource?: readonly string[];
  readonly conditions: readonly ParsedCondition[];
  /** Where the statement object starts (its `{`) and ends (just past its `}`). */
  readonly start: Position;
  readonly end: Position;
}

/** A context value as the caller supplies it. Keys are matched case-insensitively. */
export type ContextValue = string | number | boolean | readonly (string | number | boolean)[];
export type ContextValues = Readonly<Record<string, ContextValue | undefined>>;

/**
 * What kind of caller this is. Derived from `arn` when omitted:
 * `:root` → root, `:user/` → user, `:assumed-role/` → role-session, `:federated-user/` → federated-user.
 */
export type PrincipalType =
  | 'root'
  | 'user'
  | 'role'
  | 'role-session'
  | 'federated-user'
  | 'web-identity'
  | 'saml'
  | 'service'
  | 'anonymous';

export interface RequestPrincipal {
  /** The caller's ARN: user, root, assumed-role session, federated user; the provider ARN for web identity/SAML. */
  readonly arn?: string;
  /** The caller's account (for web identity/SAML: the account that owns the provider). */
  readonly accountId?: string;
  readonly type?: PrincipalType;
  /** For assumed-role sessions: the IAM role ARN (with its path). Derived from `arn` when omitted. */
  readonly roleArn?: string;
  /**
   * The unique id of the IAM entity behind the caller: the user's AIDA… id (users and their
   * GetSessionToken sessions), the role's AROA… id (role sessions). Principal entries bound to a
   * unique id (CompileOptions.principalIds) and unique-id entries match on it alone.
   */
  readonly principalId?: string;
  /** For web identity/SAML: the Federated principal value (provider ARN or e.g. `accounts.google.com`). */
  readonly federatedProvider?: string;
  /** For AWS service principals, e.g. `ec2.amazonaws.com`. */
  readonly service?: string;
  readonly canonicalUser?: string;
}

export interface RequestContext {
  readonly principal: RequestPrincipal;
  /** `service:Action`, e.g. `iam:CreateUser` (matched case-insensitively). */
  readonly action: string;
  /** The resource ARN (or `*`). */
  readonly resource: string;
  /** The account that owns the resource; derived from the ARN's account field when omitted. */
  readonly resourceAccount?: string;
  /** Condition context: `aws:CurrentTime`, `aws:SourceIp`, `aws:PrincipalTag/k`, … Time comes only from here. */
  readonly context?: ContextValues;
}

export type Decision = 'allowed' | 'explicitDeny' | 'implicitDeny';

/** AWS PolicySourceType: user | group | role | aws-managed | user-managed | resource | none (free text allowed). */
export type PolicySourceType = string;

export interface MatchedStatement {
  readonly policyId: string;
  readonly policyKind: PolicyKind;
  readonly sourceType: PolicySourceType;
  readonly sid: string | undefined;
  readonly statementIndex: number;
  readonly effect: Effect;
  readonly start: Position;
  readonly end: Position;
}

export interface EvaluationResult {
  readonly decision: Decision;
  /** Deny statements for explicitDeny; the allow statements that granted access for allowed; empty otherwise. */
  readonly matchedStatements: readonly MatchedStatement[];
  /** Condition keys (and policy-variable keys) used by applicable statements but absent from the context. */
  readonly missingContextValues: readonly string[];
  /** Which step decided: for DecodeAuthorizationMessage-style explanations. */
  readonly reason: DecisionReason;
}

export type DecisionReason =
  | 'explicit-deny'
  | 'scp-implicit-deny'
  | 'rcp-implicit-deny'
  | 'no-allow'
  | 'boundary-implicit-deny'
  | 'session-implicit-deny'
  | 'resource-policy-missing-allow'
  | 'cross-account-resource-policy-missing-allow'
  | 'cross-account-identity-missing-allow'
  | 'allowed-by-resource-policy'
  | 'allowed';
