import type { ConditionOperator } from '../operator.js';
import { joinParts } from '../operator.js';

/** Exact, case-sensitive match. */
export const StringEquals: ConditionOperator<string> = {
  name: 'StringEquals',
  family: 'string',
  negated: false,
  variables: true,
  wildcards: false,
  compile: joinParts,
  test: (v, p) => v === p,
};
