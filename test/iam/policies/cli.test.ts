import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestTessera, type TestTessera } from '../../support/tessera.js';
import { awsIam, hasAwsCli as hasAws } from '../../support/aws-cli.js';

let t: TestTessera;
beforeAll(async () => {
  if (hasAws) t = await startTestTessera();
});
afterAll(async () => {
  await t?.stop();
});

const aws = (...args: string[]) => awsIam(t, ...args);

describe.skipIf(!hasAws)('the aws CLI v1 drives roles and policies', () => {
  it('create-role, create-policy, attach, list, get-policy-version', async () => {
    const trust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] });
    const role = await aws('create-role', '--role-name', 'cli-role', '--assume-role-policy-document', trust, '--tags', 'Key=a,Value=b');
    expect(role.Role.Arn).toBe(`arn:aws:iam::${t.accountId}:role/cli-role`);
    // The CLI decodes the URL-encoded document back into JSON.
    expect((await aws('get-role', '--role-name', 'cli-role')).Role.AssumeRolePolicyDocument).toEqual(JSON.parse(trust));
    const pdoc = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] });
    const pol = await aws('create-policy', '--policy-name', 'cli-pol', '--policy-document', pdoc);
    await aws('attach-role-policy', '--role-name', 'cli-role', '--policy-arn', pol.Policy.Arn);
    expect((await aws('list-attached-role-policies', '--role-name', 'cli-role')).AttachedPolicies).toEqual([{ PolicyName: 'cli-pol', PolicyArn: pol.Policy.Arn }]);
    expect((await aws('get-policy-version', '--policy-arn', pol.Policy.Arn, '--version-id', 'v1')).PolicyVersion.Document).toEqual(JSON.parse(pdoc));
    await aws('put-role-policy', '--role-name', 'cli-role', '--policy-name', 'inline', '--policy-document', pdoc);
    expect((await aws('list-role-policies', '--role-name', 'cli-role')).PolicyNames).toEqual(['inline']);
    const err = await aws('delete-policy', '--policy-arn', pol.Policy.Arn).catch((e: { stderr: string }) => e.stderr);
    expect(err).toContain('DeleteConflict');
  }, 60_000);
});
