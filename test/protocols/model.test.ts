import { describe, it, expect } from 'vitest';
import { serviceModel } from '../../src/protocols/model.js';
import { checkShape } from '../../src/protocols/conformance.js';
import { OPTIONAL_IN_PRACTICE, OUTSIDE_MODEL } from '../../src/protocols/overrides.js';
import { allOperations } from '../../src/app.js';
import { XmlRaw } from '../../src/protocols/query-xml.js';

describe("AWS's service models", () => {
  it('load with their operations, constraints and error codes', () => {
    const iam = serviceModel('iam');
    expect(iam.protocol).toBe('awsQuery');
    expect(iam.version).toBe('2010-05-08');
    expect(iam.xmlNamespace).toBe('https://iam.amazonaws.com/doc/2010-05-08/');
    // AWS's 164, plus Tessera's RevokeSession, RevokeRoleSessions and the five *SignInConnector(s) actions (data/tessera-models).
    expect(iam.operations.size).toBe(175);
    const create = iam.operations.get('CreateRole')!;
    const roleName = create.input!.memberByName.get('RoleName')!;
    expect(roleName.required).toBe(true);
    expect(roleName.constraints).toMatchObject({ min: 1, max: 64, patternText: '[\\w+=,.@-]+' });
    expect(roleName.constraints.pattern!.test('ok_name+=,.@-')).toBe(true);
    expect(roleName.constraints.pattern!.test('no spaces')).toBe(false);
    expect(create.errors.map((e) => e.error!.code)).toContain('EntityAlreadyExists');
    const noSuch = iam.shapes.get('com.amazonaws.iam#NoSuchEntityException')!;
    expect(noSuch.error).toEqual({ code: 'NoSuchEntity', status: 404, fault: 'client' });
    const sts = serviceModel('sts');
    expect([...sts.operations.keys()].sort()).toContain('AssumeRoleWithWebIdentity');
    expect(serviceModel('organizations').protocol).toBe('awsJson1_1');
    expect(serviceModel('accessanalyzer').protocol).toBe('restJson1');
  });

  it("merge Tessera's extension shapes (data/tessera-models) into the services they extend", () => {
    const sts = serviceModel('sts');
    const gwit = sts.operations.get('GetWebIdentityToken')!;
    const audience = gwit.input!.memberByName.get('Audience')!;
    expect(audience.required).toBe(true);
    expect(audience.constraints).toMatchObject({ min: 1, max: 10 });
    expect(audience.target.item!.constraints).toMatchObject({ min: 1, max: 1000 });
    expect(gwit.input!.memberByName.get('SigningAlgorithm')!.constraints.enum).toEqual(['RS256', 'ES384']);
    expect(gwit.errors.map((e) => e.error!.code)).toContain('JWTPayloadSizeExceededException');
    const iam = serviceModel('iam');
    expect(iam.operations.get('RevokeRoleSessions')!.input!.memberByName.get('RoleName')!.constraints).toMatchObject({ min: 1, max: 64 });
    expect(iam.operations.get('RevokeSession')!.output).toBeUndefined();
  });

  it('describe every routed action, except the named ones outside the snapshot', () => {
    const missing = allOperations
      .filter((op) => !serviceModel(op.service).operations.has(op.name))
      .map((op) => `${op.service}:${op.name}`);
    expect(missing.sort()).toEqual(Object.keys(OUTSIDE_MODEL).sort());
    for (const key of Object.keys(OPTIONAL_IN_PRACTICE)) {
      const [service, action] = key.split(':') as ['iam' | 'sts', string];
      expect(serviceModel(service).operations.has(action), key).toBe(true);
    }
  });
});

describe('the output-shape check', () => {
  const role = serviceModel('iam').operations.get('GetRole')!.output!;
  const good = {
    Role: {
      Path: '/',
      RoleName: 'r',
      RoleId: 'AROAEXAMPLE000000000',
      Arn: 'arn:aws:iam::123456789012:role/r',
      CreateDate: new Date(),
      MaxSessionDuration: 3600,
      Tags: [{ Key: 'k', Value: 'v' }],
      RoleLastUsed: {},
    },
  };

  it('accepts a result of the right shape', () => {
    expect(checkShape(role, good, '')).toEqual([]);
  });

  it('names a member the model does not have, a missing required member, and wrong types', () => {
    const bad = {
      Role: { ...good.Role, RoleName: undefined, Extra: 'x', MaxSessionDuration: '3600', Tags: [{ Key: 'k', Value: 1 }], CreateDate: '2026-01-01' },
      Surplus: true,
    };
    expect(checkShape(role, bad, '').sort()).toEqual(
      [
        'Role.Extra: Role has no member Extra',
        'Role.RoleName: required member of Role is missing',
        'Role.MaxSessionDuration: expected an integer, got string "3600"',
        'Role.Tags[0].Value: expected a string, got number 1',
        'Role.CreateDate: expected a timestamp, got string "2026-01-01"',
        'Surplus: GetRoleResponse has no member Surplus',
      ].sort(),
    );
  });

  it('checks enums and maps, and honours named exceptions', () => {
    const summary = serviceModel('iam').operations.get('GetAccountSummary')!.output!;
    expect(checkShape(summary, { SummaryMap: { Users: 3 } }, '')).toEqual([]);
    expect(checkShape(summary, { SummaryMap: { NotAKey: 3 } }, '')[0]).toMatch(/^SummaryMap\{key\}: 'NotAKey' is not one of/);
    const user = serviceModel('iam').operations.get('GetUser')!.output!;
    const root = { User: { UserId: '123456789012', Arn: 'arn:aws:iam::123456789012:root', CreateDate: new Date() } };
    expect(checkShape(user, root, '')).toHaveLength(2);
    expect(checkShape(user, root, '', [], new Set(OPTIONAL_IN_PRACTICE['iam:GetUser']!.paths))).toEqual([]);
  });

  it('reads pre-rendered XML (results serialized in a worker) back by the shape before checking it', () => {
    const sim = serviceModel('iam').operations.get('SimulateCustomPolicy')!.output!;
    const good = '<member><EvalActionName>s3:GetObject</EvalActionName><EvalResourceName>*</EvalResourceName><EvalDecision>allowed</EvalDecision></member>';
    expect(checkShape(sim, { EvaluationResults: new XmlRaw(good), IsTruncated: false }, '')).toEqual([]);
    const bad = '<member><EvalActionName>s3:GetObject</EvalActionName><EvalDecision>maybe</EvalDecision><Bogus>1</Bogus></member>';
    expect(checkShape(sim, { EvaluationResults: new XmlRaw(bad), IsTruncated: false }, '').sort()).toEqual(
      [
        "EvaluationResults[0].EvalDecision: 'maybe' is not one of PolicyEvaluationDecisionType's values (allowed, explicitDeny, implicitDeny)",
        'EvaluationResults[0].Bogus: EvaluationResult has no member Bogus',
      ].sort(),
    );
  });
});
