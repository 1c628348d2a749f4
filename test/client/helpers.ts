import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { CreateRoleCommand, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { expect } from 'vitest';
import { iamClient } from '../support/clients.js';
import type { TestTessera } from '../support/tessera.js';
import { Jar, csrfOf, type LocalUser } from '../sso/helpers.js';

/** Helpers of the CLI sign-in tests: the `tessera` binary as a child, OAuth calls, approvals. */
export const BIN = join(process.cwd(), 'bin', 'tessera.js');
export const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

export async function form(url: string, body: Record<string, string>): Promise<{ status: number; body: any; headers: Headers }> {
  const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(body).toString(), redirect: 'manual' });
  const text = await r.text();
  return { status: r.status, body: text ? JSON.parse(text) : {}, headers: r.headers };
}

export const startDevice = (t: { url: string }) => form(`${t.url}/oauth2/device_authorization`, { client_id: 'tessera-cli' });
export const pollDevice = (t: { url: string }, deviceCode: string, clientId = 'tessera-cli') => form(`${t.url}/oauth2/token`, { grant_type: DEVICE_GRANT, device_code: deviceCode, client_id: clientId });
export const refresh = (t: { url: string }, token: string) => form(`${t.url}/oauth2/token`, { grant_type: 'refresh_token', refresh_token: token, client_id: 'tessera-cli' });

export async function bearer(url: string, token: string | undefined, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const r = await fetch(`${url}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { ...(token !== undefined ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await r.text();
  return { status: r.status, body: text ? JSON.parse(text) : {} };
}

/** A local user signed in through the HTTP forms (no MFA): the cookie jar. */
export async function signInJar(base: string, u: LocalUser): Promise<Jar> {
  const j = new Jar(base);
  const f = await j.get('/signin/local');
  const r = await j.post('/signin/local', { csrf: csrfOf(f.text), account: '', username: u.name, password: u.password });
  expect(r.location).toBe('/session');
  return j;
}

/** Approve (or deny) a user code on /device as the jar's person. */
export async function decide(j: Jar, userCode: string, decision: 'approve' | 'deny'): Promise<{ status: number; text: string }> {
  const page = await j.get(`/device?user_code=${userCode}`);
  expect(page.status, page.text).toBe(200);
  const r = await j.post('/device', { csrf: csrfOf(page.text), user_code: userCode, decision });
  return { status: r.status, text: r.text };
}

/** A role the user may assume (its trust policy names the user), allowed iam:ListUsers. */
export async function roleFor(t: TestTessera, name: string, userArn: string, maxSessionDuration = 3600): Promise<string> {
  const iam = iamClient(t, t.root);
  const role = (
    await iam.send(
      new CreateRoleCommand({
        RoleName: name,
        MaxSessionDuration: maxSessionDuration,
        Description: `CLI test role ${name}`,
        AssumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: userArn }, Action: 'sts:AssumeRole' }] }),
      }),
    )
  ).Role!;
  await iam.send(new PutRolePolicyCommand({ RoleName: name, PolicyName: 'list', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iam:ListUsers', Resource: '*' }] }) }));
  return role.Arn!;
}

export interface Child {
  proc: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves when stdout matches. */
  waitFor(re: RegExp, ms?: number): Promise<RegExpExecArray>;
  exit: Promise<number>;
}

/** `node bin/tessera.js ARGS` with `env` (HOME etc. of the test). */
export function tessera(args: string[], env: Record<string, string>): Child {
  const proc = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exit = new Promise<number>((r) => proc.on('exit', (code) => r(code ?? -1)));
  return {
    proc,
    stdout: () => out,
    stderr: () => err,
    exit,
    async waitFor(re, ms = 20_000) {
      const t0 = Date.now();
      for (;;) {
        const m = re.exec(out);
        if (m) return m;
        if (Date.now() - t0 > ms || proc.exitCode !== null) throw new Error(`no ${re} in stdout: ${out}\nstderr: ${err}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
  };
}

/** Runs the client to completion. */
export async function tesseraRun(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  const c = tessera(args, env);
  const code = await c.exit;
  return { code, stdout: c.stdout(), stderr: c.stderr() };
}
