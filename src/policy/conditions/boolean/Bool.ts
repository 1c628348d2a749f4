import type { ConditionOperator } from '../operator.js';
import { joinParts } from '../operator.js';

/** Boolean match: `true` / `false`, case-insensitive. Any other policy value never matches. */
export const Bool: ConditionOperator<string> = {
  name: 'Bool',
  family: 'boolean',
  negated: false,
  variables: true,
  wildcards: false,
  compile: (parts) => {
    const v = joinParts(parts).trim().toLowerCase();
    return v === 'true' || v === 'false' ? v : null;
  },
  test: (v, p) => v.trim().toLowerCase() === p,
};
