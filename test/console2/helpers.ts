import { CreateOpenIDConnectProviderCommand, CreateRoleCommand, PutRolePolicyCommand, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import type { BrowserContext } from 'playwright-core';
import { iamClient } from '../support/clients.js';
import type { TestTessera } from '../support/tessera.js';
import { LoginSessions } from '../../src/sso/login-sessions.js';
import { issueForSession } from '../../src/sso/issue.js';
import type { LoginSession } from '../../src/sso/types.js';
import { consoleStateKey } from '../../src/web/console/sections-router.js';

/**
 * The console sections' test setup: roles a person opens the console as, and the "Open console"
 * step itself (issueForSession via 'console', the state stored under console:<loginSessionId>,
 * as the console framework's POST /console/role does).
 */
export const doc = (statements: unknown[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });

export async function consoleRole(t: TestTessera, name: string, permissions: unknown[], assumers: string[]): Promise<string> {
  const iam = iamClient(t, t.root);
  const trust = doc([{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${t.accountId}:root` }, Action: 'sts:AssumeRole' }]);
  const arn = (await iam.send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: trust }))).Role!.Arn!;
  await iam.send(new PutRolePolicyCommand({ RoleName: name, PolicyName: 'console', PolicyDocument: doc(permissions) }));
  for (const u of assumers) await iam.send(new PutUserPolicyCommand({ UserName: u, PolicyName: `assume-${name}`, PolicyDocument: doc([{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: arn }]) }));
  return arn;
}

export async function sessionOfSecret(t: TestTessera, secret: string): Promise<LoginSession> {
  const s = await new LoginSessions(t.services).read(secret, new Date());
  if (!s) throw new Error('no live login session for this cookie');
  return s;
}

const reqInfo = () => ({ requestId: crypto.randomUUID(), now: new Date(), sourceIp: '127.0.0.1', userAgent: 'test', region: 'us-east-1', secureTransport: false });

/** Credentials for `roleArn` from the login session (as the portal issues them). */
export async function issueFrom(t: TestTessera, session: LoginSession, roleArn: string, via: 'portal' | 'console' = 'portal') {
  return issueForSession(t.services, session, { roleArn, via }, reqInfo());
}

/** "Open console" for the browser's login session as `roleArn`. */
export async function openConsole(t: TestTessera, context: BrowserContext, roleArn: string): Promise<LoginSession> {
  const cookie = (await context.cookies(t.url)).find((c) => c.name === '__Host-tessera-session');
  if (!cookie) throw new Error('the browser is not signed in');
  return openConsoleFor(t, cookie.value, roleArn);
}

/** "Open console" for the login session of a session cookie secret. */
export async function openConsoleFor(t: TestTessera, secret: string, roleArn: string): Promise<LoginSession> {
  const session = await sessionOfSecret(t, secret);
  const out = await issueFrom(t, session, roleArn, 'console');
  const c = out.issued.credentials;
  const ttl = Math.max(1, Math.floor((c.Expiration.getTime() - Date.now()) / 1000));
  await t.services.cache.set(
    consoleStateKey(session.id),
    JSON.stringify({ accessKeyId: c.AccessKeyId, sessionToken: c.SessionToken, roleArn, assumedRoleArn: out.assumedRoleArn, expiration: c.Expiration.toISOString() }),
    ttl,
  );
  return session;
}

export async function oidcProvider(t: TestTessera, url: string): Promise<string> {
  return (await iamClient(t, t.root).send(new CreateOpenIDConnectProviderCommand({ Url: url, ClientIDList: ['sts.amazonaws.com'], ThumbprintList: ['a'.repeat(40)] }))).OpenIDConnectProviderArn!;
}
