/**
 * Trust-policy evaluation for STS: a role's trust policy is the resource-based policy of the role,
 * evaluated by the same evaluator with the role ARN as the resource.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html
 *
 * - Web identity / SAML callers (principal.type 'web-identity' | 'saml', or `federatedProvider`
 *   set): the trust policy alone decides (Federated principal + conditions such as `<provider>:aud`).
 * - AWS principals in the role's account: the trust policy must allow — an identity policy that
 *   allows `sts:AssumeRole` is not enough on its own (`resourcePolicyMode: 'must-allow'`,
 *   id_roles_compare-resource-policies). A trust statement naming the caller, its role or `*`
 *   suffices; one naming only the account (`arn:aws:iam::ACCT:root`) delegates to the caller's
 *   identity policies, which must then allow `sts:AssumeRole` on the role as well.
 * - AWS principals in another account: the trust policy and the caller's identity policies must both allow.
 */
import { compilePolicy, type CompiledPolicy } from './compile.js';
import { evaluate, type EvaluationInput } from './evaluate.js';
import type { ContextValues, EvaluationResult, RequestPrincipal } from './types.js';

export interface TrustEvaluationInput extends Omit<EvaluationInput, 'request' | 'resourcePolicy'> {
  /** The role's trust policy (AssumeRolePolicyDocument), compiled or as text. */
  readonly trustPolicy: CompiledPolicy | string;
  readonly roleArn: string;
  readonly principal: RequestPrincipal;
  /** `sts:AssumeRole` (default), `sts:AssumeRoleWithWebIdentity`, `sts:AssumeRoleWithSAML`, `sts:TagSession`, … */
  readonly action?: string;
  readonly context?: ContextValues;
}

export function evaluateTrustPolicy(input: TrustEvaluationInput): EvaluationResult {
  const { trustPolicy, roleArn, principal, action, context, ...rest } = input;
  const policy = typeof trustPolicy === 'string' ? compilePolicy(trustPolicy, { kind: 'trust', id: roleArn }) : trustPolicy;
  return evaluate({
    ...rest,
    resourcePolicy: policy,
    resourcePolicyMode: rest.resourcePolicyMode ?? 'must-allow',
    request: {
      principal,
      action: action ?? 'sts:AssumeRole',
      resource: roleArn,
      ...(context ? { context } : {}),
    },
  });
}
