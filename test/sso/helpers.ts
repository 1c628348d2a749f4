import { CreateLoginProfileCommand, CreateUserCommand, CreateVirtualMFADeviceCommand, EnableMFADeviceCommand } from '@aws-sdk/client-iam';
import { iamClient } from '../support/clients.js';
import type { TestTessera } from '../support/tessera.js';
import { timeStep, totpAt } from '../../src/mfa/totp.js';

/**
 * Test helpers of the sign-in spine: a cookie-jar HTTP client that behaves as a browser does
 * with cookies and redirects (for the attack cases a browser would not send), IAM users with
 * login profiles and virtual MFA devices made through the IAM API, and the audit events.
 */
export interface Answer {
  status: number;
  location: string | null;
  text: string;
  setCookies: string[];
  headers: Headers;
}

export class Jar {
  readonly cookies = new Map<string, string>();
  constructor(readonly base: string) {}

  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  private take(h: Headers): string[] {
    const set = h.getSetCookie();
    for (const c of set) {
      const [pair] = c.split(';');
      const i = pair!.indexOf('=');
      const k = pair!.slice(0, i).trim();
      const v = pair!.slice(i + 1).trim();
      if (/max-age=0/i.test(c) || v === '') this.cookies.delete(k);
      else this.cookies.set(k, v);
    }
    return set;
  }

  async get(path: string, opts: { base?: string } = {}): Promise<Answer> {
    const r = await fetch(new URL(path, opts.base ?? this.base), { redirect: 'manual', headers: { cookie: this.header() } });
    const setCookies = this.take(r.headers);
    return { status: r.status, location: r.headers.get('location'), text: await r.text(), setCookies, headers: r.headers };
  }

  async post(path: string, form: Record<string, string | string[]> | string, opts: { base?: string; contentType?: string } = {}): Promise<Answer> {
    let body: string;
    if (typeof form === 'string') body = form;
    else {
      const p = new URLSearchParams();
      for (const [k, v] of Object.entries(form)) for (const x of Array.isArray(v) ? v : [v]) p.append(k, x);
      body = p.toString();
    }
    const r = await fetch(new URL(path, opts.base ?? this.base), {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: this.header(), 'content-type': opts.contentType ?? 'application/x-www-form-urlencoded' },
      body,
    });
    const setCookies = this.take(r.headers);
    return { status: r.status, location: r.headers.get('location'), text: await r.text(), setCookies, headers: r.headers };
  }
}

/** The CSRF token of the first form of a page. */
export const csrfOf = (page: string): string => /name="csrf" value="([^"]+)"/.exec(page)?.[1] ?? '';
export const testId = (page: string, id: string): string | undefined => new RegExp(`data-testid="${id}"[^>]*>([^<]*)<`).exec(page)?.[1];

export interface LocalUser {
  name: string;
  password: string;
  arn: string;
  seed?: string;
  serial?: string;
  /** The last step the test spent (the device refuses it and earlier ones). */
  lastStep?: number;
}

export async function makeLocalUser(t: TestTessera, name: string, opts: { password?: string; mfa?: boolean; reset?: boolean } = {}): Promise<LocalUser> {
  const iam = iamClient(t, t.root);
  const password = opts.password ?? `Pw-${name}-1a!Xy`;
  const u = (await iam.send(new CreateUserCommand({ UserName: name }))).User!;
  await iam.send(new CreateLoginProfileCommand({ UserName: name, Password: password, PasswordResetRequired: opts.reset ?? false }));
  const out: LocalUser = { name, password, arn: u.Arn! };
  if (opts.mfa) {
    const d = (await iam.send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: `${name}-mfa` }))).VirtualMFADevice!;
    const seed = Buffer.from(d.Base32StringSeed!).toString('utf8');
    // Enabled with the two steps before the current one, so the current step's code is still fresh.
    const now = timeStep(new Date());
    await iam.send(new EnableMFADeviceCommand({ UserName: name, SerialNumber: d.SerialNumber!, AuthenticationCode1: totpAt(seed, now - 2), AuthenticationCode2: totpAt(seed, now - 1) }));
    Object.assign(out, { seed, serial: d.SerialNumber!, lastStep: now - 1 });
  }
  return out;
}

export interface AuditRow {
  action: string;
  outcome: string;
  error_code: string | null;
  principal_arn: string | null;
  source_ip: string | null;
  detail: Record<string, unknown>;
}

export const signinAudit = async (t: TestTessera): Promise<AuditRow[]> =>
  (
    await t.database.db.query<AuditRow>(
      `SELECT action, outcome, error_code, principal_arn, source_ip, detail FROM audit_events WHERE service = 'signin' ORDER BY event_time, id`,
    )
  ).rows;

/** Polls until `probe` is true; the ms it took, or null after `ms`. */
export async function within(ms: number, probe: () => Promise<boolean>): Promise<number | null> {
  const t0 = Date.now();
  while (Date.now() - t0 < ms) {
    if (await probe()) return Date.now() - t0;
    await new Promise((r) => setTimeout(r, 10));
  }
  return (await probe()) ? Date.now() - t0 : null;
}
