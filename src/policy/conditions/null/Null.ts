import type { ConditionOperator } from '../operator.js';
import { joinParts } from '../operator.js';

/**
 * `"Null": {"key": "true"}` holds when the key is absent (or empty); `"false"` when it is present.
 * compile.ts handles this family itself: the test never sees a request value.
 */
export const Null: ConditionOperator<boolean> = {
  name: 'Null',
  family: 'null',
  negated: false,
  variables: false,
  wildcards: false,
  compile: (parts) => {
    const v = joinParts(parts).trim().toLowerCase();
    return v === 'true' ? true : v === 'false' ? false : null;
  },
  test: () => false,
};
