import type { ConditionOperator } from '../operator.js';
import { joinParts } from '../operator.js';
import { compileDate, parseDate } from '../shared/dates.js';

/** Negated date match: true when the value equals none of the policy dates. Dates are ISO 8601 or epoch seconds, compared in milliseconds. */
export const DateNotEquals: ConditionOperator<number> = {
  name: 'DateNotEquals',
  family: 'date',
  negated: true,
  variables: false,
  wildcards: false,
  compile: (parts) => compileDate(joinParts(parts)),
  test: (v, p) => {
    const t = parseDate(v);
    return t === p;
  },
};
