import type { ConditionOperator } from '../operator.js';
import { joinParts } from '../operator.js';
import { compileNumber, parseNumber } from '../shared/numbers.js';

/** Negated numeric equality: true when the value equals none of the policy values. */
export const NumericNotEquals: ConditionOperator<number> = {
  name: 'NumericNotEquals',
  family: 'numeric',
  negated: true,
  variables: false,
  wildcards: false,
  compile: (parts) => compileNumber(joinParts(parts)),
  test: (v, p) => {
    const n = parseNumber(v);
    return n === p;
  },
};
