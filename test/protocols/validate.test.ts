import { describe, expect, it } from 'vitest';
import { serviceModel } from '../../src/protocols/model.js';
import { parseQueryInput } from '../../src/protocols/query-input.js';
import { validateInput } from '../../src/protocols/validate.js';
import { isAwsError } from '../../src/errors/index.js';

const sts = serviceModel('sts');
function message(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (isAwsError(e)) return `${e.code}: ${e.message}`;
    throw e;
  }
  throw new Error('validated without an error');
}

describe('validateInput: typed callers get the wire validation', () => {
  it('accepts a valid typed input unchanged', () => {
    const input = { RoleArn: 'arn:aws:iam::123456789012:role/R', RoleSessionName: 'ok-name', DurationSeconds: 900, Tags: [{ Key: 'k', Value: 'v' }], PolicyArns: [{ arn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }] };
    expect(validateInput(sts.operations.get('AssumeRole')!.input, input)).toBe(input);
  });

  it('reports the same problems, in the same words, as the Query parser for the same content', () => {
    const shape = sts.operations.get('AssumeRole')!.input;
    const typed = message(() =>
      validateInput(shape, { RoleSessionName: 'a b', DurationSeconds: 10, Tags: [{ Key: '', Value: 'v' }], PolicyArns: [{ arn: 'short' }], SerialNumber: 'x', TokenCode: '12' } as never),
    );
    const wire = message(() =>
      parseQueryInput(
        shape,
        new Map(
          Object.entries({
            RoleSessionName: 'a b',
            DurationSeconds: '10',
            'Tags.member.1.Key': '',
            'Tags.member.1.Value': 'v',
            'PolicyArns.member.1.arn': 'short',
            SerialNumber: 'x',
            TokenCode: '12',
          }),
        ),
      ),
    );
    expect(typed).toBe(wire);
    expect(typed).toMatch(/^ValidationError: 8 validation errors detected: /);
    expect(typed).toContain("Value null at 'roleArn' failed to satisfy constraint: Member must not be null");
    expect(typed).toContain("Value '10' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900");
    expect(typed).toContain("Value 'short' at 'policyArns.member.1.arn' failed to satisfy constraint: Member must have length greater than or equal to 20");
    expect(typed).toContain("Value at 'tokenCode' failed to satisfy constraint: Member must have length greater than or equal to 6");
  });

  it('does not echo sensitive members', () => {
    const shape = sts.operations.get('AssumeRoleWithWebIdentity')!.input;
    const m = message(() => validateInput(shape, { RoleArn: 'arn:aws:iam::123456789012:role/R', RoleSessionName: 'ok', WebIdentityToken: 'abc' }));
    expect(m).toBe("ValidationError: 1 validation error detected: Value at 'webIdentityToken' failed to satisfy constraint: Member must have length greater than or equal to 4");
  });

  it('refuses values of the wrong type (a typed caller cast around the types)', () => {
    const shape = sts.operations.get('AssumeRoleWithWebIdentity')!.input;
    const m = message(() => validateInput(shape, { RoleArn: 'arn:aws:iam::123456789012:role/R', RoleSessionName: 'ok', WebIdentityToken: 'tokn', DurationSeconds: '900' } as never));
    expect(m).toBe("ValidationError: 1 validation error detected: Value '900' at 'durationSeconds' failed to satisfy constraint: Member must be a number");
  });

  it('checks list lengths and enums of extension shapes (GetWebIdentityToken)', () => {
    const shape = sts.operations.get('GetWebIdentityToken')!.input;
    const m = message(() => validateInput(shape, { Audience: [], SigningAlgorithm: 'HS256' } as never));
    expect(m).toContain("Value at 'audience' failed to satisfy constraint: Member must have length greater than or equal to 1");
    expect(m).toContain("Value 'HS256' at 'signingAlgorithm' failed to satisfy constraint: Member must satisfy enum value set: [RS256, ES384]");
  });
});
