/**
 * Dates in conditions: ISO 8601 (`2024-01-31`, `2024-01-31T12:00:00Z`, offsets, fractions, the
 * basic form `20240131T120000Z`) or epoch seconds (`1706702400`). Both are turned into
 * milliseconds since the epoch, so an ISO value and an epoch value compare in the same unit.
 * A date-time without a zone is read as UTC.
 */
const EPOCH = /^\s*-?\d+(\.\d+)?\s*$/;
const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?\s*([Zz]|[+-]\d{2}(?::?\d{2})?)?)?$/;
const BASIC = /^(\d{4})(\d{2})(\d{2})[Tt](\d{2})(\d{2})(\d{2})(?:[.,](\d+))?([Zz]|[+-]\d{2}(?::?\d{2})?)?$/;

export function parseDate(input: string): number {
  const s = input.trim();
  if (EPOCH.test(s)) return Number(s) * 1000;
  const m = ISO.exec(s) ?? BASIC.exec(s);
  if (!m) return Number.NaN;
  const [, y, mo, d, h = '0', mi = '0', se = '0', frac, zone] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(se);
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 24 || minute > 59 || second > 60) return Number.NaN;
  let ms = Date.UTC(year, month - 1, day, hour, minute, second);
  if (new Date(Date.UTC(year, month - 1, day)).getUTCDate() !== day) return Number.NaN;
  if (frac) ms += Math.floor(Number(`0.${frac}`) * 1000);
  if (zone && zone !== 'Z' && zone !== 'z') {
    const sign = zone[0] === '-' ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    const offset = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || '0');
    ms -= sign * offset * 60_000;
  }
  return ms;
}

export const compileDate = (s: string): number | null => {
  const n = parseDate(s);
  return Number.isNaN(n) ? null : n;
};
