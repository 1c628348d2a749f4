import type { ConditionOperator } from '../operator.js';
import { compileGlobParts, type Glob } from '../../glob.js';

/** Case-sensitive match; `*` and `?` are wildcards anywhere in the value. */
export const StringLike: ConditionOperator<Glob> = {
  name: 'StringLike',
  family: 'string',
  negated: false,
  variables: true,
  wildcards: true,
  compile: compileGlobParts,
  test: (v, g) => g.match(v),
};
