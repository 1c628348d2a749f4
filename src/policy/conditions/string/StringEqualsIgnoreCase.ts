import type { ConditionOperator } from '../operator.js';
import { joinParts } from '../operator.js';

/** Exact match, ignoring case. */
export const StringEqualsIgnoreCase: ConditionOperator<string> = {
  name: 'StringEqualsIgnoreCase',
  family: 'string',
  negated: false,
  variables: true,
  wildcards: false,
  compile: (parts) => joinParts(parts).toLowerCase(),
  test: (v, p) => v.toLowerCase() === p,
};
