import type { ConditionOperator } from '../operator.js';
import { arnMatches, compileArnPattern, type ArnPattern } from '../shared/arn.js';

/** Case-sensitive ARN match. Each of the six ARN components is matched separately; `*` and `?` are wildcards. */
export const ArnLike: ConditionOperator<ArnPattern> = {
  name: 'ArnLike',
  family: 'arn',
  negated: false,
  variables: true,
  wildcards: true,
  compile: compileArnPattern,
  test: (v, p) => arnMatches(p, v),
};
