import { describe, expect, it } from 'vitest';
import {
  AttachGroupPolicyCommand,
  CreateGroupCommand,
  CreatePolicyCommand,
  DeleteGroupCommand,
  DeleteGroupPolicyCommand,
  DetachGroupPolicyCommand,
  GetGroupCommand,
  type IAMClient,
  PutGroupPolicyCommand,
} from '@aws-sdk/client-iam';
import { useTessera, type TestTessera } from '../../support/tessera.js';
import { iamClient, rejection } from '../../support/clients.js';

let t: TestTessera;
let iam: IAMClient;
useTessera((started) => {
  t = started;
  iam = iamClient(t, t.root);
});

const doc = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iam:GetUser', Resource: '*' }] });

describe('DeleteGroup', () => {
  it('refuses with DeleteConflict while inline or attached policies remain, then deletes', async () => {
    await iam.send(new CreateGroupCommand({ GroupName: 'with-policies' }));
    await iam.send(new PutGroupPolicyCommand({ GroupName: 'with-policies', PolicyName: 'inline', PolicyDocument: doc }));
    let e = await rejection(iam.send(new DeleteGroupCommand({ GroupName: 'with-policies' })));
    expect([e.name, e.$metadata.httpStatusCode, e.message]).toEqual(['DeleteConflictException', 409, 'Cannot delete entity, must delete policies first.']);
    await iam.send(new DeleteGroupPolicyCommand({ GroupName: 'with-policies', PolicyName: 'inline' }));
    const p = await iam.send(new CreatePolicyCommand({ PolicyName: 'group-managed', PolicyDocument: doc }));
    await iam.send(new AttachGroupPolicyCommand({ GroupName: 'with-policies', PolicyArn: p.Policy!.Arn! }));
    e = await rejection(iam.send(new DeleteGroupCommand({ GroupName: 'with-policies' })));
    expect(e.message).toBe('Cannot delete entity, must detach all policies first.');
    await iam.send(new DetachGroupPolicyCommand({ GroupName: 'with-policies', PolicyArn: p.Policy!.Arn! }));
    await iam.send(new DeleteGroupCommand({ GroupName: 'with-policies' }));
    expect((await rejection(iam.send(new GetGroupCommand({ GroupName: 'with-policies' })))).name).toBe('NoSuchEntityException');
  });
});
