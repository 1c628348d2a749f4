/** The one list of condition operators. Adding an operator: one file + one line here. */
import type { ConditionOperator } from './operator.js';
import { ArnEquals } from './arn/ArnEquals.js';
import { ArnLike } from './arn/ArnLike.js';
import { ArnNotEquals } from './arn/ArnNotEquals.js';
import { ArnNotLike } from './arn/ArnNotLike.js';
import { BinaryEquals } from './binary/BinaryEquals.js';
import { Bool } from './boolean/Bool.js';
import { DateEquals } from './date/DateEquals.js';
import { DateGreaterThan } from './date/DateGreaterThan.js';
import { DateGreaterThanEquals } from './date/DateGreaterThanEquals.js';
import { DateLessThan } from './date/DateLessThan.js';
import { DateLessThanEquals } from './date/DateLessThanEquals.js';
import { DateNotEquals } from './date/DateNotEquals.js';
import { IpAddress } from './ip/IpAddress.js';
import { NotIpAddress } from './ip/NotIpAddress.js';
import { Null } from './null/Null.js';
import { NumericEquals } from './numeric/NumericEquals.js';
import { NumericGreaterThan } from './numeric/NumericGreaterThan.js';
import { NumericGreaterThanEquals } from './numeric/NumericGreaterThanEquals.js';
import { NumericLessThan } from './numeric/NumericLessThan.js';
import { NumericLessThanEquals } from './numeric/NumericLessThanEquals.js';
import { NumericNotEquals } from './numeric/NumericNotEquals.js';
import { StringEquals } from './string/StringEquals.js';
import { StringEqualsIgnoreCase } from './string/StringEqualsIgnoreCase.js';
import { StringLike } from './string/StringLike.js';
import { StringNotEquals } from './string/StringNotEquals.js';
import { StringNotEqualsIgnoreCase } from './string/StringNotEqualsIgnoreCase.js';
import { StringNotLike } from './string/StringNotLike.js';

export const OPERATORS: readonly ConditionOperator<any>[] = [
  ArnEquals,
  ArnLike,
  ArnNotEquals,
  ArnNotLike,
  BinaryEquals,
  Bool,
  DateEquals,
  DateGreaterThan,
  DateGreaterThanEquals,
  DateLessThan,
  DateLessThanEquals,
  DateNotEquals,
  IpAddress,
  NotIpAddress,
  Null,
  NumericEquals,
  NumericGreaterThan,
  NumericGreaterThanEquals,
  NumericLessThan,
  NumericLessThanEquals,
  NumericNotEquals,
  StringEquals,
  StringEqualsIgnoreCase,
  StringLike,
  StringNotEquals,
  StringNotEqualsIgnoreCase,
  StringNotLike,
];

const BY_NAME = new Map(OPERATORS.map((op) => [op.name.toLowerCase(), op]));

export type SetOperator = 'ForAnyValue' | 'ForAllValues' | undefined;

export interface OperatorSpec {
  readonly op: ConditionOperator<any>;
  readonly set: SetOperator;
  readonly ifExists: boolean;
}

/**
 * Parse an operator as written: `[ForAnyValue:|ForAllValues:]Base[IfExists]`. Operator names are
 * matched case-insensitively. Returns null for an unknown operator (and for `NullIfExists`,
 * which AWS does not define).
 */
export function parseOperator(written: string): OperatorSpec | null {
  let s = written;
  let set: SetOperator;
  const colon = s.indexOf(':');
  if (colon >= 0) {
    const prefix = s.slice(0, colon).toLowerCase();
    if (prefix === 'foranyvalue') set = 'ForAnyValue';
    else if (prefix === 'forallvalues') set = 'ForAllValues';
    else return null;
    s = s.slice(colon + 1);
  }
  let op = BY_NAME.get(s.toLowerCase());
  let ifExists = false;
  if (!op && s.toLowerCase().endsWith('ifexists')) {
    op = BY_NAME.get(s.slice(0, -8).toLowerCase());
    ifExists = true;
    if (op?.family === 'null') return null;
  }
  return op ? { op, set, ifExists } : null;
}
