/**
 * `return_to`: where a person lands after signing in. Only a same-origin RELATIVE path is
 * accepted; anything else is replaced by the default. The rules are deliberately blunt — a
 * browser's URL parser forgives much (backslashes as slashes, tabs and newlines dropped,
 * percent-decoding in places) and every forgiveness has been an open redirect somewhere:
 *
 *   refused: `//x` `/\x` `\x` (protocol-relative in browsers), any scheme (`https:`, `javascript:`),
 *   `%2f` / `%5c` anywhere (also double-encoded `%252f`), tab / CR / LF / any control character
 *   or DEL, non-ASCII whitespace, more than 2048 characters, and anything whose resolution against
 *   the origin leaves the origin.
 */
export const DEFAULT_RETURN_TO = '/session';

export function safeReturnTo(raw: unknown, origin: string): string {
  if (typeof raw !== 'string' || raw === '') return DEFAULT_RETURN_TO;
  return isSafeReturnTo(raw, origin) ? raw : DEFAULT_RETURN_TO;
}

export function isSafeReturnTo(p: string, origin: string): boolean {
  if (p.length > 2048) return false;
  if (!p.startsWith('/')) return false;
  if (p.startsWith('//') || p.startsWith('/\\')) return false;
  if (p.includes('\\')) return false;
  // Control characters, DEL, and Unicode whitespace/format characters a parser may strip.
  if (/[\u0000-\u0020\u007f-\u00a0\u1680\u180e\u2000-\u200f\u2028-\u202f\u205f-\u206f\u3000\ufeff]/.test(p)) return false;
  // Percent-encoded slash or backslash, and any double encoding (%25…).
  if (/%(2f|5c|25)/i.test(p)) return false;
  // The sign-in pages themselves are not destinations (a loop, or a way to replay a flow).
  let u: URL;
  try {
    u = new URL(p, origin);
  } catch {
    return false;
  }
  if (u.origin !== new URL(origin).origin) return false;
  if (u.pathname === '/signout' || u.pathname.startsWith('/signin')) return false;
  return true;
}
