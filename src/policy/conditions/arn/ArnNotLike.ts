import type { ConditionOperator } from '../operator.js';
import { arnMatches, compileArnPattern, type ArnPattern } from '../shared/arn.js';

/** Negated ARN match. Each of the six ARN components is matched separately; `*` and `?` are wildcards. */
export const ArnNotLike: ConditionOperator<ArnPattern> = {
  name: 'ArnNotLike',
  family: 'arn',
  negated: true,
  variables: true,
  wildcards: true,
  compile: compileArnPattern,
  test: (v, p) => arnMatches(p, v),
};
