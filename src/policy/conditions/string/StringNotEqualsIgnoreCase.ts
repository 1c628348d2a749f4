import type { ConditionOperator } from '../operator.js';
import { joinParts } from '../operator.js';

/** Negated exact match, ignoring case. */
export const StringNotEqualsIgnoreCase: ConditionOperator<string> = {
  name: 'StringNotEqualsIgnoreCase',
  family: 'string',
  negated: true,
  variables: true,
  wildcards: false,
  compile: (parts) => joinParts(parts).toLowerCase(),
  test: (v, p) => v.toLowerCase() === p,
};
