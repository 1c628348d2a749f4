import { isAwsError } from '../../errors/index.js';
import type { SafeHtml } from '../../web/html.js';

/**
 * What the providers, connectors, sessions, MFA and audit sections need from the console
 * framework: one IAM call as the person's role session (validation, IAM authorization and audit
 * are the operation's own; a refusal is thrown as the AwsError AWS would answer), the session's
 * CSRF token and login session id, and the request's form/query fields.
 */
export interface SectionCx {
  call<T = Record<string, unknown>>(action: string, params: Record<string, string | undefined>): Promise<T>;
  csrf: string;
  loginSessionId: string;
  /** The console role session's account. */
  accountId: string;
  now: Date;
  /** One field of the query (GET) or the urlencoded body (POST); arrays and absent are undefined. */
  field(name: string): string | undefined;
}

export type SectionResult =
  | { kind: 'page'; title: string; content: SafeHtml; status?: number }
  /** Post/Redirect/Get: `flash` shown on the next page (`error` styles it as a refusal). */
  | { kind: 'redirect'; to: string; flash: string; error?: boolean };

export interface SectionRoute {
  method: 'GET' | 'POST';
  path: string;
  handle(cx: SectionCx): Promise<SectionResult>;
}

export interface Section {
  id: string;
  title: string;
  /** The navigation entry's path. */
  path: string;
  routes: readonly SectionRoute[];
}

/** AWS's code and message of a refusal, as the console shows it ("AccessDenied: User: … is not authorized …"). */
export function refusal(e: unknown): string {
  if (isAwsError(e)) return `${e.code}: ${e.message}`;
  throw e;
}

export const page = (title: string, content: SafeHtml, status = 200): SectionResult => ({ kind: 'page', title, content, status });
export const redirect = (to: string, flash: string, error = false): SectionResult => ({ kind: 'redirect', to, flash, error });

/** A mutation: run it, then back to `to` with `ok` or AWS's refusal. */
export async function mutate(to: string, ok: string, run: () => Promise<unknown>): Promise<SectionResult> {
  try {
    await run();
    return redirect(to, ok);
  } catch (e) {
    return redirect(to, refusal(e), true);
  }
}

/** Query-style list parameters: `Name.member.1`, `Name.member.2`… */
export function members(name: string, values: readonly string[]): Record<string, string> {
  return Object.fromEntries(values.map((v, i) => [`${name}.member.${i + 1}`, v]));
}

/** Lines of a textarea, trimmed, without empties. */
export const lines = (s: string | undefined): string[] => (s ?? '').split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '');

/** An ISO 8601 time from a form ("2026-12-02T09:00", "2026-12-02 09:00:00Z"…), read as UTC; undefined when empty; null when not a time. */
export function isoTime(s: string | undefined): string | undefined | null {
  const v = (s ?? '').trim();
  if (v === '') return undefined;
  const m = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?))?(Z|[+-]\d{2}:\d{2})?$/i.exec(v);
  if (!m) return null;
  const d = new Date(`${m[1]}T${m[2] ?? '00:00'}${m[2] && m[2].length === 5 ? ':00' : ''}${m[3] ?? 'Z'}`);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

/** The HTTP status of a page showing a refusal: 403 AccessDenied, 404 NoSuchEntity, else 400. */
export const statusOf = (refusalText: string): number => (/^AccessDenied\b/.test(refusalText) ? 403 : /^NoSuchEntity\b/.test(refusalText) ? 404 : 400);
