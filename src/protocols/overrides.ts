/**
 * Actions Tessera serves that neither the model snapshot in data/aws-models nor Tessera's own
 * extension shapes (data/tessera-models) describe, and why. (None today: GetWebIdentityToken,
 * RevokeSession and RevokeRoleSessions are described in data/tessera-models.)
 * The output-shape check (test/support/output-shapes.ts) skips exactly these; anything else
 * routed must be in AWS's model.
 */
export const OUTSIDE_MODEL: Readonly<Record<string, string>> = {};

/**
 * Where AWS's answers differ from its own model, named: members the model marks required that
 * AWS leaves out (paths without list indices), per action.
 */
export const OPTIONAL_IN_PRACTICE: Readonly<Record<string, { paths: readonly string[]; why: string }>> = {
  'iam:GetUser': { paths: ['User.Path', 'User.UserName'], why: "GetUser as the root user answers only UserId, Arn and CreateDate (root has no name or path)" },
};

/**
 * Enum values AWS answers that its model's enum does not list, per shape id. The model is
 * extended with them when it is loaded (src/protocols/model.ts).
 */
export const EXTRA_ENUM_VALUES: Readonly<Record<string, { values: readonly string[]; why: string }>> = {
  'com.amazonaws.iam#summaryKeyType': {
    values: ['Roles', 'RolesQuota', 'InstanceProfiles', 'InstanceProfilesQuota', 'Providers', 'RolePolicySizeQuota', 'AssumeRolePolicySizeQuota'],
    why: "GetAccountSummary's SummaryMap carries these keys in AWS's answers (see the get-account-summary example in the AWS CLI reference) though summaryKeyType omits them",
  },
};

/**
 * Output members AWS's answer to an action leaves out although the output shape has them
 * (paths without list indices). The Query serializer skips them for that action.
 */
export const OUTPUT_OMITTED: Readonly<Record<string, { paths: readonly string[]; why: string }>> = {
  'iam:CreateRole': { paths: ['Role.MaxSessionDuration', 'Role.RoleLastUsed'], why: "CreateRole's response has neither MaxSessionDuration nor RoleLastUsed (AWS CLI reference, create-role output)" },
};

/**
 * Input shapes whose values a validation message never echoes although the model does not mark
 * them sensitive (the message says `Value` without the value), per shape id.
 */
export const REDACTED_INPUT: Readonly<Record<string, string>> = {
  'com.amazonaws.iam#SAMLMetadataDocumentType': 'an IdP metadata document is up to 10 MB of XML: not echoed back in a ValidationError',
  'com.amazonaws.sts#tokenCodeType': 'an MFA code (TokenCode): a credential, never echoed in a message or an audit record',
  'com.amazonaws.iam#authenticationCodeType': 'an MFA code (AuthenticationCode1/2): a credential, never echoed in a message or an audit record',
};

/**
 * Tessera's caps on list inputs the model leaves unbounded, per `<structure id>$<member>`: checked
 * with the model's own constraints (AWS's "Member must have length less than or equal to N"
 * wording). They bound one request's work (README.md, "Limits"; SIMULATION_LIMITS in
 * src/iam/providers/simulation.ts).
 */
export const INPUT_LIMITS: Readonly<Record<string, { max: number; why: string }>> = Object.fromEntries(
  [
    ...['SimulateCustomPolicyRequest', 'SimulatePrincipalPolicyRequest'].flatMap((req) => [
      [`com.amazonaws.iam#${req}$ActionNames`, 1000],
      [`com.amazonaws.iam#${req}$ResourceArns`, 1000],
      [`com.amazonaws.iam#${req}$PolicyInputList`, 50],
      [`com.amazonaws.iam#${req}$PermissionsBoundaryPolicyInputList`, 50],
      [`com.amazonaws.iam#${req}$ContextEntries`, 100],
    ]),
    ['com.amazonaws.iam#ContextEntry$ContextKeyValues', 100],
    ['com.amazonaws.iam#GetContextKeysForCustomPolicyRequest$PolicyInputList', 50],
    ['com.amazonaws.iam#GetContextKeysForPrincipalPolicyRequest$PolicyInputList', 50],
  ].map(([k, max]) => [k as string, { max: max as number, why: 'one simulation / context-key request does bounded work' }]),
);
