import type { ConditionOperator } from '../operator.js';
import { compileGlobParts, type Glob } from '../../glob.js';

/** Negated case-sensitive wildcard match. */
export const StringNotLike: ConditionOperator<Glob> = {
  name: 'StringNotLike',
  family: 'string',
  negated: true,
  variables: true,
  wildcards: true,
  compile: compileGlobParts,
  test: (v, g) => g.match(v),
};
