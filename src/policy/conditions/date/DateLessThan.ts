import type { ConditionOperator } from '../operator.js';
import { joinParts } from '../operator.js';
import { compileDate, parseDate } from '../shared/dates.js';

/** Request date before the policy date. Dates are ISO 8601 or epoch seconds, compared in milliseconds. */
export const DateLessThan: ConditionOperator<number> = {
  name: 'DateLessThan',
  family: 'date',
  negated: false,
  variables: false,
  wildcards: false,
  compile: (parts) => compileDate(joinParts(parts)),
  test: (v, p) => {
    const t = parseDate(v);
    return t < p;
  },
};
