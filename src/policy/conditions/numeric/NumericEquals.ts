import type { ConditionOperator } from '../operator.js';
import { joinParts } from '../operator.js';
import { compileNumber, parseNumber } from '../shared/numbers.js';

/** Numeric equality. */
export const NumericEquals: ConditionOperator<number> = {
  name: 'NumericEquals',
  family: 'numeric',
  negated: false,
  variables: false,
  wildcards: false,
  compile: (parts) => compileNumber(joinParts(parts)),
  test: (v, p) => {
    const n = parseNumber(v);
    return n === p;
  },
};
