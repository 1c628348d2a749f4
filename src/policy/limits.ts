/**
 * Size limits. IAM counts policy size without white space.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html
 */
/** Largest document any IAM API accepts (PolicyDocument, AssumeRolePolicyDocument: 1-131072). */
export const MAX_POLICY_DOCUMENT_LENGTH = 131_072;

/** IAM quotas (characters, white space not counted) callers pass as `sizeQuota` where they apply. */
export const POLICY_SIZE_QUOTAS = {
  managedPolicy: 6144,
  userInlinePolicies: 2048,
  groupInlinePolicies: 5120,
  roleInlinePolicies: 10_240,
  trustPolicy: 2048,
  trustPolicyMax: 4096,
  sessionPolicy: 2048,
  serviceControlPolicy: 5120,
  resourceControlPolicy: 5120,
} as const;

/** Length of a policy without white space, as IAM counts it. */
export function policySize(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) n++;
  }
  return n;
}
