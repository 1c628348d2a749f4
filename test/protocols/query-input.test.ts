import { describe, it, expect } from 'vitest';
import { serviceModel } from '../../src/protocols/model.js';
import { parseQueryInput } from '../../src/protocols/query-input.js';
import { isAwsError } from '../../src/errors/index.js';

const iam = serviceModel('iam');
const sts = serviceModel('sts');
const params = (o: Record<string, string>) => new Map(Object.entries(o));
function problem(fn: () => unknown): { code: string; message: string } {
  try {
    fn();
  } catch (e) {
    if (isAwsError(e)) return { code: e.code, message: e.message };
    throw e;
  }
  throw new Error('parsed without an error');
}

describe('Query input from the model', () => {
  it('reads scalars, lists of structures and nested structures by member name', () => {
    const op = iam.operations.get('CreateRole')!;
    const v = parseQueryInput(
      op.input,
      params({
        RoleName: 'r',
        AssumeRolePolicyDocument: '{}',
        MaxSessionDuration: '7200',
        'Tags.member.1.Key': 'team',
        'Tags.member.1.Value': 'blue',
        'Tags.member.2.Key': 'env',
        'Tags.member.2.Value': 'prod',
        Unknown: 'ignored',
      }),
    );
    expect(v).toEqual({
      RoleName: 'r',
      AssumeRolePolicyDocument: '{}',
      MaxSessionDuration: 7200,
      Tags: [
        { Key: 'team', Value: 'blue' },
        { Key: 'env', Value: 'prod' },
      ],
    });
  });

  it("reports every violation at once in AWS's wording", () => {
    const op = sts.operations.get('AssumeRole')!;
    const e = problem(() => parseQueryInput(op.input, params({ RoleSessionName: 'a', DurationSeconds: '10' })));
    expect(e.code).toBe('ValidationError');
    expect(e.message).toBe(
      "3 validation errors detected: Value null at 'roleArn' failed to satisfy constraint: Member must not be null; " +
        "Value 'a' at 'roleSessionName' failed to satisfy constraint: Member must have length greater than or equal to 2; " +
        "Value '10' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900",
    );
  });

  it('checks patterns, enums and list lengths; never echoes sensitive values', () => {
    const create = iam.operations.get('CreateUser')!;
    expect(problem(() => parseQueryInput(create.input, params({ UserName: 'bad name!' }))).message).toBe(
      "1 validation error detected: Value 'bad name!' at 'userName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+",
    );
    const update = iam.operations.get('UpdateAccessKey')!;
    expect(problem(() => parseQueryInput(update.input, params({ AccessKeyId: 'AKIAEXAMPLE000000000', Status: 'On' }))).message).toContain(
      "Value 'On' at 'status' failed to satisfy constraint: Member must satisfy enum value set: [Active, Inactive]",
    );
    const login = iam.operations.get('CreateLoginProfile')!;
    const secret = 'x'.repeat(200);
    const m = problem(() => parseQueryInput(login.input, params({ UserName: 'u', Password: secret }))).message;
    expect(m).toContain("Value at 'password' failed to satisfy constraint: Member must have length less than or equal to 128");
    expect(m).not.toContain(secret);
  });

  it('reads an empty list as empty, maps as null-prototype objects, and refuses a malformed index', () => {
    const op = sts.operations.get('AssumeRole')!;
    const v = parseQueryInput(op.input, params({ RoleArn: 'arn:aws:iam::123456789012:role/r', RoleSessionName: 'ss', TransitiveTagKeys: '' }));
    expect(v.TransitiveTagKeys).toEqual([]);
    const summary = iam.operations.get('SimulateCustomPolicy')!;
    expect(
      problem(() => parseQueryInput(summary.input, params({ 'PolicyInputList.member.x': '{}', 'ActionNames.member.1': 's3:GetObject' }))).code,
    ).toBe('MalformedQueryString');
  });
});

describe('MFA codes are never echoed', () => {
  it('a malformed TokenCode or AuthenticationCode is reported without its value', async () => {
    const { serviceModel } = await import('../../src/protocols/model.js');
    const { parseQueryInput } = await import('../../src/protocols/query-input.js');
    const sts = serviceModel('sts').operations.get('GetSessionToken')!.input!;
    const e1 = (() => { try { parseQueryInput(sts, new Map([['TokenCode', 'x9secret']])); } catch (e) { return e as Error; } })();
    expect(e1?.message).toMatch(/^2 validation errors detected: Value at 'tokenCode'/);
    expect(e1?.message).not.toContain('x9secret');
    const iam = serviceModel('iam').operations.get('EnableMFADevice')!.input!;
    const e2 = (() => { try { parseQueryInput(iam, new Map([['UserName', 'u'], ['SerialNumber', 'arn:aws:iam::123456789012:mfa/u'], ['AuthenticationCode1', 'ab12cd'], ['AuthenticationCode2', '123456']])); } catch (e) { return e as Error; } })();
    expect(e2?.message).not.toContain('ab12cd');
  });
});
