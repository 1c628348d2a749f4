/** Operator-level tables: the registry, each helper the operators share, and per-operator tests. */
import { describe, expect, it } from 'vitest';
import { OPERATORS } from '../../src/policy/index.js';
import { parseOperator } from '../../src/policy/conditions/registry.js';
import { parseCidr, parseIp, cidrContains } from '../../src/policy/conditions/shared/ip.js';
import { parseDate } from '../../src/policy/conditions/shared/dates.js';
import { compileGlob } from '../../src/policy/glob.js';
import { globParts } from '../../src/policy/glob.js';

describe('registry', () => {
  const names = OPERATORS.map((o) => o.name).sort();
  it('holds every AWS condition operator once', () => {
    expect(names).toEqual(
      [
        'ArnEquals', 'ArnLike', 'ArnNotEquals', 'ArnNotLike', 'BinaryEquals', 'Bool',
        'DateEquals', 'DateGreaterThan', 'DateGreaterThanEquals', 'DateLessThan', 'DateLessThanEquals', 'DateNotEquals',
        'IpAddress', 'NotIpAddress', 'Null',
        'NumericEquals', 'NumericGreaterThan', 'NumericGreaterThanEquals', 'NumericLessThan', 'NumericLessThanEquals', 'NumericNotEquals',
        'StringEquals', 'StringEqualsIgnoreCase', 'StringLike', 'StringNotEquals', 'StringNotEqualsIgnoreCase', 'StringNotLike',
      ].sort(),
    );
  });
  it.each([
    ['StringEquals', 'StringEquals', undefined, false],
    ['StringEqualsIfExists', 'StringEquals', undefined, true],
    ['ForAnyValue:StringLike', 'StringLike', 'ForAnyValue', false],
    ['ForAllValues:ArnLikeIfExists', 'ArnLike', 'ForAllValues', true],
    ['numericlessthanifexists', 'NumericLessThan', undefined, true],
    ['Null', 'Null', undefined, false],
  ] as const)('parses %s', (written, name, set, ifExists) => {
    const spec = parseOperator(written);
    expect(spec?.op.name).toBe(name);
    expect(spec?.set).toBe(set);
    expect(spec?.ifExists).toBe(ifExists);
  });
  it.each(['StringEqual', 'NullIfExists', 'ForAny:StringEquals', 'A:B:StringEquals', '', 'IfExists'])('rejects %j', (w) => {
    expect(parseOperator(w)).toBeNull();
  });
  it('negated operators are exactly the Not* ones', () => {
    for (const op of OPERATORS) expect(op.negated, op.name).toBe(/Not/.test(op.name));
  });
  it('policy variables only for string, ARN and Bool operators', () => {
    for (const op of OPERATORS) expect(op.variables, op.name).toBe(['string', 'arn', 'boolean'].includes(op.family));
  });
});

describe('operator tests (positive sense, one value)', () => {
  const byName = new Map(OPERATORS.map((o) => [o.name, o]));
  const t = (name: string, policy: string, request: string): boolean => {
    const op = byName.get(name)!;
    const v = op.compile(op.wildcards ? globParts(policy) : [policy]);
    return v !== null && op.test(request, v);
  };
  it.each([
    ['StringEquals', 'a', 'a', true], ['StringEquals', 'a', 'A', false],
    ['StringNotEquals', 'a', 'a', true], ['StringEqualsIgnoreCase', 'AbC', 'aBc', true],
    ['StringNotEqualsIgnoreCase', 'AbC', 'abd', false], ['StringLike', 'a*', 'abc', true],
    ['StringNotLike', 'a?', 'ab', true], ['NumericEquals', '1e2', '100', true],
    ['NumericNotEquals', '1', '2', false], ['NumericLessThan', '1', '0.5', true],
    ['NumericLessThanEquals', '1', '1', true], ['NumericGreaterThan', '1', '1', false],
    ['NumericGreaterThanEquals', '-1', '-1', true], ['DateEquals', '2020-01-01T00:00:00Z', '1577836800', true],
    ['DateNotEquals', '2020-01-01T00:00:00Z', '2020-01-01T00:00:00Z', true], ['DateLessThan', '1577836800', '2019-12-31T23:59:59Z', true],
    ['DateLessThanEquals', '1577836800', '2020-01-01T00:00:00Z', true], ['DateGreaterThan', '1577836800', '2020-01-01T00:00:01Z', true],
    ['DateGreaterThanEquals', '1577836800', '2019-01-01T00:00:00Z', false], ['Bool', 'true', 'True', true],
    ['BinaryEquals', 'AAEC', 'AAEC', true], ['IpAddress', '10.0.0.0/8', '10.9.9.9', true],
    ['NotIpAddress', '10.0.0.0/8', '10.9.9.9', true], ['ArnEquals', 'arn:aws:s3:::b', 'arn:aws:s3:::b', true],
    ['ArnLike', 'arn:aws:s3:::b/*', 'arn:aws:s3:::b/c', true], ['ArnNotEquals', 'arn:aws:s3:::b', 'arn:aws:s3:::c', false],
    ['ArnNotLike', 'arn:*:s3:::b', 'arn:aws-cn:s3:::b', true],
  ] as const)('%s %j vs %j → %s', (name, policy, request, expected) => {
    expect(t(name, policy, request)).toBe(expected);
  });
});

describe('glob', () => {
  it.each([
    ['*', '', true], ['*', 'anything:at/all', true], ['a*b', 'ab', true], ['a*b', 'axxb', true], ['a*b', 'axxbc', false],
    ['?', '', false], ['?', 'x', true], ['a?c*', 'abcdef', true], ['*a*a*a*b', 'aaaab', true], ['*a*a*a*b', 'aaab', true],
    ['*a*a*a*b', 'aab', false], ['**', 'x', true], ['x**y', 'xy', true], ['*?*', '', false], ['*?*', 'z', true],
    ['ab*ab', 'ab', false], ['ab*ab', 'abab', true], ['*.txt', 'a.txt', true], ['*.txt', 'a.txt.bak', false],
  ] as const)('%j matches %j → %s', (p, s, expected) => {
    expect(compileGlob(p).match(s)).toBe(expected);
  });
});

describe('ip helpers', () => {
  it.each([
    ['1.2.3.4', '1.2.3.4'], ['::1', '0:0:0:0:0:0:0:1'], ['2001:db8::', '2001:db8:0:0:0:0:0:0'], ['::ffff:1.2.3.4', '1.2.3.4'],
  ])('%s equals %s', (a, b) => {
    expect(parseIp(a)).toEqual(parseIp(b));
  });
  it.each(['1.2.3', '1.2.3.256', '1..2.3', 'x', '1:2:3:4:5:6:7:8:9', '::1::', '', '01234::'])('rejects %j', (s) => {
    expect(parseIp(s)).toBeNull();
  });
  it('/0 contains every address of its family only', () => {
    expect(cidrContains(parseCidr('0.0.0.0/0')!, parseIp('255.255.255.255')!)).toBe(true);
    expect(cidrContains(parseCidr('0.0.0.0/0')!, parseIp('::1')!)).toBe(false);
    expect(cidrContains(parseCidr('::/0')!, parseIp('fe80::1')!)).toBe(true);
  });
  it.each(['10.0.0.0/33', '::/129', '10.0.0.0/-1', '10.0.0.0/a'])('rejects CIDR %j', (s) => {
    expect(parseCidr(s)).toBeNull();
  });
});

describe('date helper', () => {
  it.each([
    ['2020-01-01T00:00:00Z', 1577836800000], ['1577836800', 1577836800000], ['2020-01-01', 1577836800000],
    ['2020-01-01T02:00:00+02:00', 1577836800000], ['2020-01-01T00:00:00.250Z', 1577836800250], ['20200101T000000Z', 1577836800000],
  ])('%s', (s, ms) => {
    expect(parseDate(s)).toBe(ms);
  });
  it.each(['2020-13-01', '2020-02-30', 'tomorrow', ''])('rejects %j', (s) => {
    expect(Number.isNaN(parseDate(s))).toBe(true);
  });
});
