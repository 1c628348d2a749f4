import { describe, expect, it } from 'vitest';
import { CreateAccessKeyCommand, CreateGroupCommand, CreatePolicyCommand, CreateRoleCommand, CreateUserCommand, CreateVirtualMFADeviceCommand } from '@aws-sdk/client-iam';
import { startTestTessera } from '../support/tessera.js';
import { iamClient } from '../support/clients.js';
import { seededRandom } from '../../src/tokens/random.js';

/**
 * Randomness is injected (services.random, built by the composition root) where ids are made,
 * as the clock is: the same seed gives the same ids, another seed others.
 */
describe('injected randomness', () => {
  async function ids(seed: string): Promise<string[]> {
    const t = await startTestTessera({ random: seededRandom(seed) });
    try {
      const iam = iamClient(t, t.root);
      const trust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${t.accountId}:root` }, Action: 'sts:AssumeRole' }] });
      const doc = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] });
      return [
        (await iam.send(new CreateUserCommand({ UserName: 'u' }))).User!.UserId!,
        (await iam.send(new CreateGroupCommand({ GroupName: 'g' }))).Group!.GroupId!,
        (await iam.send(new CreateRoleCommand({ RoleName: 'r', AssumeRolePolicyDocument: trust }))).Role!.RoleId!,
        (await iam.send(new CreatePolicyCommand({ PolicyName: 'p', PolicyDocument: doc }))).Policy!.PolicyId!,
        (await iam.send(new CreateAccessKeyCommand({ UserName: 'u' }))).AccessKey!.SecretAccessKey!,
        Buffer.from((await iam.send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: 'd' }))).VirtualMFADevice!.Base32StringSeed!).toString('utf8'),
      ];
    } finally {
      await t.stop();
    }
  }

  it('user, group, role and policy ids, access-key secrets and MFA seeds come from services.random', async () => {
    const a = await ids('seed-a');
    const again = await ids('seed-a');
    const b = await ids('seed-b');
    expect(a.slice(0, 4).map((x) => x.slice(0, 4))).toEqual(['AIDA', 'AGPA', 'AROA', 'ANPA']);
    expect(a[4]).toHaveLength(40);
    expect(again).toEqual(a);
    expect(b).not.toEqual(a);
  }, 120_000);
});
