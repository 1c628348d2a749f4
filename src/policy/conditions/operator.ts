/**
 * The contract every condition operator implements. One operator per file under
 * conditions/<family>/<Operator>.ts, registered in registry.ts. The generic parts —
 * IfExists, ForAnyValue:/ForAllValues:, absent keys, negation (NOR over policy values),
 * policy variables — live once in compile.ts.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
 */
import type { GlobPart } from '../glob.js';

export type OperatorFamily = 'string' | 'numeric' | 'date' | 'boolean' | 'binary' | 'ip' | 'arn' | 'null';

export interface ConditionOperator<T = unknown> {
  /** The operator name as AWS spells it, e.g. `StringNotLike`. */
  readonly name: string;
  readonly family: OperatorFamily;
  /**
   * Negated operators (`StringNotEquals`, `NotIpAddress`, …) are true when the request value matches
   * none of the policy values, and true when the key is absent.
   */
  readonly negated: boolean;
  /** Whether `${…}` policy variables are substituted in values (Version 2012-10-17 only). */
  readonly variables: boolean;
  /** Whether bare `*` and `?` in values are wildcards. */
  readonly wildcards: boolean;
  /** Prepare one policy value (variables already substituted). null: the value can never match. */
  compile(parts: readonly GlobPart[]): T | null;
  /** Positive-sense test of one request value against one prepared policy value. */
  test(requestValue: string, value: T): boolean;
}

/** Join parts that carry no wildcards back into a string. */
export const joinParts = (parts: readonly GlobPart[]): string => {
  let s = '';
  for (const p of parts) s += typeof p === 'string' ? p : p === 0 ? '*' : '?';
  return s;
};
