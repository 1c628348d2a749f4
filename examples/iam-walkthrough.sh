#!/usr/bin/env bash
# IAM walkthrough against Tessera with the unchanged AWS CLI.
#
#   TESSERA_URL=http://127.0.0.1:8080 AWS_ACCESS_KEY_ID=AKIA... AWS_SECRET_ACCESS_KEY=... \
#     examples/iam-walkthrough.sh
#
# With the root (admin) credentials in the environment it creates a user, a group, a role with a
# trust policy, a managed policy with two versions, attaches and detaches it, puts inline
# policies, gives the user an access key, and checks with that key that the user can do exactly
# what its policies allow (AccessDenied, in AWS's wording, for the rest). It also pages list
# calls and checks that deleting an attached policy is a DeleteConflict. It prints each check
# and exits non-zero at the first unexpected result. Everything it creates is deleted at the end.
# Needs: aws (CLI v1 or v2), jq.
set -euo pipefail

: "${TESSERA_URL:?set TESSERA_URL to the Tessera endpoint, e.g. http://127.0.0.1:8080}"
: "${AWS_ACCESS_KEY_ID:?set the admin AWS_ACCESS_KEY_ID}"
: "${AWS_SECRET_ACCESS_KEY:?set the admin AWS_SECRET_ACCESS_KEY}"
export AWS_DEFAULT_REGION="${AWS_DEFAULT_REGION:-us-east-1}"
export AWS_PAGER=""
unset AWS_SESSION_TOKEN AWS_PROFILE || true

S="${WALK_SUFFIX:-$$}"
USER_NAME="walk-alice-$S"
GROUP_NAME="walk-devs-$S"
ROLE_NAME="walk-app-$S"
POLICY_NAME="walk-read-$S"
CHECKS=0

ADMIN_KEY="$AWS_ACCESS_KEY_ID"
ADMIN_SECRET="$AWS_SECRET_ACCESS_KEY"

ok() { CHECKS=$((CHECKS + 1)); printf 'ok %d - %s\n' "$CHECKS" "$*"; }
die() { printf 'FAIL - %s\n' "$*" >&2; exit 1; }

# aws with the admin credentials
admin() { AWS_ACCESS_KEY_ID="$ADMIN_KEY" AWS_SECRET_ACCESS_KEY="$ADMIN_SECRET" aws --endpoint-url "$TESSERA_URL" --output json "$@"; }
# aws with the walkthrough user's key
as_user() { AWS_ACCESS_KEY_ID="$USER_KEY" AWS_SECRET_ACCESS_KEY="$USER_SECRET" aws --endpoint-url "$TESSERA_URL" --output json "$@"; }

# expect_error CODE description -- command...: the command must fail with that AWS error code.
# The error message is left in $ERR_MSG.
expect_error() {
  local code="$1" what="$2"
  shift 3
  local out rc=0
  out="$("$@" 2>&1)" || rc=$?
  [ "$rc" -ne 0 ] || die "$what: expected $code, but the call succeeded: $out"
  case "$out" in
    *"An error occurred ($code)"*) ERR_MSG="${out#*operation: }"; ok "$what -> $code" ;;
    *) die "$what: expected $code, got: $out" ;;
  esac
}

# eq ACTUAL EXPECTED description
eq() { [ "$1" = "$2" ] || die "$3: expected '$2', got '$1'"; ok "$3"; }

cleanup() {
  set +e
  {
    admin iam detach-user-policy --user-name "$USER_NAME" --policy-arn "$POLICY_ARN"
    admin iam detach-group-policy --group-name "$GROUP_NAME" --policy-arn "$POLICY_ARN"
    admin iam detach-role-policy --role-name "$ROLE_NAME" --policy-arn "$POLICY_ARN"
    admin iam delete-user-policy --user-name "$USER_NAME" --policy-name self
    admin iam delete-role-policy --role-name "$ROLE_NAME" --policy-name queue
    [ -n "${USER_KEY:-}" ] && admin iam delete-access-key --user-name "$USER_NAME" --access-key-id "$USER_KEY"
    admin iam remove-user-from-group --group-name "$GROUP_NAME" --user-name "$USER_NAME"
    admin iam delete-user --user-name "$USER_NAME"
    for i in 1 2 3; do admin iam delete-user --user-name "walk-extra$i-$S"; done
    admin iam delete-group --group-name "$GROUP_NAME"
    admin iam delete-role --role-name "$ROLE_NAME"
    admin iam delete-policy-version --policy-arn "$POLICY_ARN" --version-id v1
    admin iam delete-policy --policy-arn "$POLICY_ARN"
  } >/dev/null 2>&1
}
trap cleanup EXIT

echo "# Tessera IAM walkthrough against $TESSERA_URL (suffix $S)"

ACCOUNT="$(admin sts get-caller-identity --query Account --output text)"
[[ "$ACCOUNT" =~ ^[0-9]{12}$ ]] || die "get-caller-identity: no account id ($ACCOUNT)"
ok "admin credentials work (account $ACCOUNT)"

# --- a user, a group, a role with a trust policy -------------------------------------------
USER_ARN="$(admin iam create-user --user-name "$USER_NAME" --path /walk/ --tags Key=team,Value=infra --query User.Arn --output text)"
eq "$USER_ARN" "arn:aws:iam::$ACCOUNT:user/walk/$USER_NAME" "create-user returns the user ARN with its path"
expect_error EntityAlreadyExists "create-user with the same name in another case" -- admin iam create-user --user-name "$(echo "$USER_NAME" | tr a-z A-Z)"

admin iam create-group --group-name "$GROUP_NAME" >/dev/null
admin iam add-user-to-group --group-name "$GROUP_NAME" --user-name "$USER_NAME"
eq "$(admin iam get-group --group-name "$GROUP_NAME" --query 'Users[0].UserName' --output text)" "$USER_NAME" "group has the user as a member"

TRUST='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::'"$ACCOUNT"':root"},"Action":"sts:AssumeRole"}]}'
ROLE_ARN="$(admin iam create-role --role-name "$ROLE_NAME" --assume-role-policy-document "$TRUST" --query Role.Arn --output text)"
eq "$ROLE_ARN" "arn:aws:iam::$ACCOUNT:role/$ROLE_NAME" "create-role with a trust policy"
eq "$(admin iam get-role --role-name "$ROLE_NAME" --query 'Role.AssumeRolePolicyDocument.Statement[0].Action' --output text)" "sts:AssumeRole" "get-role returns the trust policy (decoded by the CLI)"
expect_error MalformedPolicyDocument "create-role with a broken trust policy" -- admin iam create-role --role-name "walk-bad-$S" --assume-role-policy-document '{"Statement":'

# --- a managed policy with two versions ----------------------------------------------------
V1='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:ListUsers","iam:ListGroups"],"Resource":"*"}]}'
V2='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:ListUsers","iam:ListRoles"],"Resource":"*"}]}'
POLICY_ARN="$(admin iam create-policy --policy-name "$POLICY_NAME" --policy-document "$V1" --query Policy.Arn --output text)"
eq "$POLICY_ARN" "arn:aws:iam::$ACCOUNT:policy/$POLICY_NAME" "create-policy"
eq "$(admin iam create-policy-version --policy-arn "$POLICY_ARN" --policy-document "$V2" --set-as-default --query PolicyVersion.VersionId --output text)" "v2" "create-policy-version v2 as default"
eq "$(admin iam list-policy-versions --policy-arn "$POLICY_ARN" --query 'length(Versions)' --output text)" "2" "the policy has two versions"
eq "$(admin iam get-policy --policy-arn "$POLICY_ARN" --query Policy.DefaultVersionId --output text)" "v2" "v2 is the default version"

# --- attach and detach ---------------------------------------------------------------------
admin iam attach-user-policy --user-name "$USER_NAME" --policy-arn "$POLICY_ARN"
admin iam attach-group-policy --group-name "$GROUP_NAME" --policy-arn "$POLICY_ARN"
admin iam attach-role-policy --role-name "$ROLE_NAME" --policy-arn "$POLICY_ARN"
eq "$(admin iam list-attached-user-policies --user-name "$USER_NAME" --query 'AttachedPolicies[0].PolicyArn' --output text)" "$POLICY_ARN" "policy attached to the user"
eq "$(admin iam get-policy --policy-arn "$POLICY_ARN" --query Policy.AttachmentCount --output text)" "3" "attachment count is 3 (user, group, role)"
admin iam detach-group-policy --group-name "$GROUP_NAME" --policy-arn "$POLICY_ARN"
eq "$(admin iam list-attached-group-policies --group-name "$GROUP_NAME" --query 'length(AttachedPolicies)' --output text)" "0" "detach-group-policy"
expect_error DeleteConflict "delete-policy while it is attached" -- admin iam delete-policy --policy-arn "$POLICY_ARN"

# --- inline policies -----------------------------------------------------------------------
SELF='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:GetUser","Resource":"arn:aws:iam::'"$ACCOUNT"':user/walk/${aws:username}"}]}'
admin iam put-user-policy --user-name "$USER_NAME" --policy-name self --policy-document "$SELF"
eq "$(admin iam list-user-policies --user-name "$USER_NAME" --query 'PolicyNames[0]' --output text)" "self" "put-user-policy / list-user-policies"
eq "$(admin iam get-user-policy --user-name "$USER_NAME" --policy-name self --query 'PolicyDocument.Statement[0].Action' --output text)" "iam:GetUser" "get-user-policy returns the document"
admin iam put-role-policy --role-name "$ROLE_NAME" --policy-name queue --policy-document '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sqs:SendMessage","Resource":"*"}]}'
eq "$(admin iam list-role-policies --role-name "$ROLE_NAME" --query 'PolicyNames[0]' --output text)" "queue" "put-role-policy / list-role-policies"

# --- the user's access key -----------------------------------------------------------------
for i in 1 2 3; do admin iam create-user --user-name "walk-extra$i-$S" --path /walk/ >/dev/null; done
KEY_JSON="$(admin iam create-access-key --user-name "$USER_NAME")"
USER_KEY="$(jq -r .AccessKey.AccessKeyId <<<"$KEY_JSON")"
USER_SECRET="$(jq -r .AccessKey.SecretAccessKey <<<"$KEY_JSON")"
[[ "$USER_KEY" =~ ^AKIA[A-Z2-7]{16}$ ]] || die "create-access-key: bad key id $USER_KEY"
ok "create-access-key for the user"

eq "$(as_user sts get-caller-identity --query Arn --output text)" "$USER_ARN" "the user's key signs requests (get-caller-identity)"
eq "$(as_user iam list-users --path-prefix /walk/ --query 'Users[0].UserName' --output text)" "$USER_NAME" "allowed by the managed policy (v2): list-users"
as_user iam list-roles >/dev/null && ok "allowed by the managed policy v2: list-roles"
eq "$(as_user iam get-user --user-name "$USER_NAME" --query User.UserName --output text)" "$USER_NAME" "allowed by the inline policy: get-user on itself"
expect_error AccessDenied "list-groups (only in v1, which is no longer the default)" -- as_user iam list-groups
case "$ERR_MSG" in
  "User: $USER_ARN is not authorized to perform: iam:ListGroups on resource: "*" because no identity-based policy allows the iam:ListGroups action"*) ok "AccessDenied message is AWS's: $ERR_MSG" ;;
  *) die "AccessDenied message is not in AWS's format: $ERR_MSG" ;;
esac
expect_error AccessDenied "create-user is not allowed" -- as_user iam create-user --user-name "walk-nope-$S"
expect_error AccessDenied "get-user on another user is not allowed" -- as_user iam get-user --user-name "walk-extra1-$S"

admin iam set-default-policy-version --policy-arn "$POLICY_ARN" --version-id v1
as_user iam list-groups >/dev/null && ok "after set-default-policy-version v1: list-groups is allowed"
expect_error AccessDenied "after set-default-policy-version v1: list-roles is denied" -- as_user iam list-roles
admin iam set-default-policy-version --policy-arn "$POLICY_ARN" --version-id v2

admin iam detach-user-policy --user-name "$USER_NAME" --policy-arn "$POLICY_ARN"
expect_error AccessDenied "after detach-user-policy: list-users is denied" -- as_user iam list-users

# --- pagination ----------------------------------------------------------------------------
PAGE="$(admin iam list-users --path-prefix /walk/ --max-items 2)"
eq "$(jq '.Users | length' <<<"$PAGE")" "2" "list-users --max-items 2 returns 2 users"
TOKEN="$(jq -r '.NextToken // empty' <<<"$PAGE")"
[ -n "$TOKEN" ] || die "list-users --max-items 2: no NextToken"
ok "list-users --max-items 2 returns a NextToken"
REST="$(admin iam list-users --path-prefix /walk/ --max-items 10 --starting-token "$TOKEN")"
eq "$(jq '.Users | length' <<<"$REST")" "2" "the next page (--starting-token) returns the other 2 users"
eq "$(admin iam list-users --path-prefix /walk/ --page-size 1 | jq '.Users | length')" "4" "list-users --page-size 1 walks every page (4 users)"

# --- clean up (the exit trap retries anything left) ----------------------------------------
admin iam detach-role-policy --role-name "$ROLE_NAME" --policy-arn "$POLICY_ARN"
admin iam delete-policy-version --policy-arn "$POLICY_ARN" --version-id v1
admin iam delete-policy --policy-arn "$POLICY_ARN"
expect_error NoSuchEntity "the deleted policy is gone" -- admin iam get-policy --policy-arn "$POLICY_ARN"
expect_error DeleteConflict "delete-user while it has dependents" -- admin iam delete-user --user-name "$USER_NAME"
admin iam delete-access-key --user-name "$USER_NAME" --access-key-id "$USER_KEY"
expect_error InvalidClientTokenId "the deleted key no longer works" -- as_user sts get-caller-identity
USER_KEY=""
admin iam delete-user-policy --user-name "$USER_NAME" --policy-name self
admin iam remove-user-from-group --group-name "$GROUP_NAME" --user-name "$USER_NAME"
admin iam delete-user --user-name "$USER_NAME"
for i in 1 2 3; do admin iam delete-user --user-name "walk-extra$i-$S"; done
admin iam delete-group --group-name "$GROUP_NAME"
admin iam delete-role-policy --role-name "$ROLE_NAME" --policy-name queue
admin iam delete-role --role-name "$ROLE_NAME"
expect_error NoSuchEntity "the deleted user is gone" -- admin iam get-user --user-name "$USER_NAME"
ok "cleaned up"

echo "# all $CHECKS checks passed"
