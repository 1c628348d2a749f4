import { IAMClient, IAMServiceException, CreateAccessKeyCommand, CreateRoleCommand, CreateUserCommand, ListRolesCommand, PutRolePolicyCommand, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import { STSClient } from '@aws-sdk/client-sts';
import type { TestTessera } from '../support/tessera.js';

/** Helpers for STS tests: SDK clients, users with keys and roles made through the IAM API. */
export type Creds = { accessKeyId: string; secretAccessKey: string; sessionToken?: string };

export const stsClient = (url: string, c: Creds, clockOffset = 0) =>
  new STSClient({ endpoint: url, region: 'us-east-1', credentials: c, maxAttempts: 1, systemClockOffset: clockOffset });
export const iamClient = (url: string, c: Creds, clockOffset = 0) =>
  new IAMClient({ endpoint: url, region: 'us-east-1', credentials: c, maxAttempts: 1, systemClockOffset: clockOffset });

export const asCreds = (c: { AccessKeyId?: string; SecretAccessKey?: string; SessionToken?: string } | undefined): Creds => ({
  accessKeyId: c!.AccessKeyId!,
  secretAccessKey: c!.SecretAccessKey!,
  sessionToken: c!.SessionToken!,
});

export const doc = (statements: object[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });
export const allow = (action: string | string[], resource = '*', extra: object = {}) => ({ Effect: 'Allow', Action: action, Resource: resource, ...extra });

export async function makeUser(t: TestTessera, name: string, policy?: string) {
  const iam = iamClient(t.url, t.root);
  const u = (await iam.send(new CreateUserCommand({ UserName: name }))).User!;
  const k = (await iam.send(new CreateAccessKeyCommand({ UserName: name }))).AccessKey!;
  if (policy) await iam.send(new PutUserPolicyCommand({ UserName: name, PolicyName: 'p', PolicyDocument: policy }));
  return { arn: u.Arn!, userId: u.UserId!, name, creds: { accessKeyId: k.AccessKeyId!, secretAccessKey: k.SecretAccessKey! } };
}

export async function makeRole(t: TestTessera, name: string, trust: object[], policy?: string, maxSessionDuration?: number) {
  const iam = iamClient(t.url, t.root);
  const r = (await iam.send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: doc(trust), MaxSessionDuration: maxSessionDuration }))).Role!;
  if (policy) await iam.send(new PutRolePolicyCommand({ RoleName: name, PolicyName: 'p', PolicyDocument: policy }));
  return { arn: r.Arn!, roleId: r.RoleId!, name };
}

export const trustAws = (principal: string | string[], actions: string | string[] = 'sts:AssumeRole', extra: object = {}) => ({
  Effect: 'Allow',
  Principal: { AWS: principal },
  Action: actions,
  ...extra,
});

/** Sends a Tessera extension action (IAM namespace), signed by the IAM client: the body of a ListRoles call is rewritten before signing. */
export async function iamExtension(url: string, creds: Creds, action: string, params: Record<string, string>) {
  const c = iamClient(url, creds);
  c.middlewareStack.add(
    (next) => async (args: any) => {
      const body = new URLSearchParams({ Action: action, Version: '2010-05-08', ...params }).toString();
      args.request.body = body;
      args.request.headers['content-length'] = String(Buffer.byteLength(body));
      return next(args);
    },
    { step: 'build', name: 'rewriteAction', priority: 'low' },
  );
  return c.send(new ListRolesCommand({})).catch((e: unknown) => {
    // The response body is not a ListRoles result; an XML parse of a success is fine either way.
    if (e instanceof IAMServiceException) throw e;
    return undefined;
  });
}
