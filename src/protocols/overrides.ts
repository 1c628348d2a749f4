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
