import type { ConditionOperator } from '../operator.js';
import { joinParts } from '../operator.js';

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{2,3})?$/;

/** Canonical form of a base64 value (its decoded bytes re-encoded), or null when it is not base64. */
const canonical = (s: string): string | null => {
  const t = s.trim();
  return BASE64.test(t) ? Buffer.from(t, 'base64').toString('base64') : null;
};

/** Byte-for-byte equality of base64-encoded binary values. */
export const BinaryEquals: ConditionOperator<string> = {
  name: 'BinaryEquals',
  family: 'binary',
  negated: false,
  variables: false,
  wildcards: false,
  compile: (parts) => canonical(joinParts(parts)),
  test: (v, p) => canonical(v) === p,
};
