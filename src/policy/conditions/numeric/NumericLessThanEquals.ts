import type { ConditionOperator } from '../operator.js';
import { joinParts } from '../operator.js';
import { compileNumber, parseNumber } from '../shared/numbers.js';

/** Request value less than or equal to the policy value. */
export const NumericLessThanEquals: ConditionOperator<number> = {
  name: 'NumericLessThanEquals',
  family: 'numeric',
  negated: false,
  variables: false,
  wildcards: false,
  compile: (parts) => compileNumber(joinParts(parts)),
  test: (v, p) => {
    const n = parseNumber(v);
    return n <= p;
  },
};
