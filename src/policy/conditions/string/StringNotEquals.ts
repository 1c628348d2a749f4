import type { ConditionOperator } from '../operator.js';
import { joinParts } from '../operator.js';

/** Negated exact match: true when the value equals none of the policy values. */
export const StringNotEquals: ConditionOperator<string> = {
  name: 'StringNotEquals',
  family: 'string',
  negated: true,
  variables: true,
  wildcards: false,
  compile: joinParts,
  test: (v, p) => v === p,
};
