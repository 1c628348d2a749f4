import { Errors } from '../errors/index.js';

/**
 * Strict application/x-www-form-urlencoded parsing for the AWS Query protocol. Unlike
 * URLSearchParams it refuses what it cannot read exactly: broken percent-encoding, invalid
 * UTF-8, control characters in names, and a parameter given twice.
 */
export type Params = Map<string, string>;

const MAX_PARAMS = 2_000;

function decodeComponent(s: string): string {
  const plus = s.indexOf('+') === -1 ? s : s.replace(/\+/g, ' ');
  if (plus.indexOf('%') === -1) return plus;
  try {
    return decodeURIComponent(plus);
  } catch {
    throw Errors.malformedQueryString('The request contains a malformed percent-encoded sequence.');
  }
}

export function parseForm(text: string, into: Params = new Map()): Params {
  if (text.length === 0) return into;
  let count = 0;
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('&', start);
    if (end === -1) end = text.length;
    if (end > start) {
      if (++count > MAX_PARAMS) throw Errors.malformedQueryString('Too many parameters.');
      const part = text.slice(start, end);
      const eq = part.indexOf('=');
      const name = decodeComponent(eq === -1 ? part : part.slice(0, eq));
      const value = eq === -1 ? '' : decodeComponent(part.slice(eq + 1));
      // eslint-disable-next-line no-control-regex
      if (name.length === 0 || /[\u0000-\u001f\u007f]/.test(name)) {
        throw Errors.malformedQueryString('Keys may not contain control characters and may not be empty.');
      }
      if (into.has(name)) throw Errors.malformedQueryString(`Parameter ${name} is specified more than once.`);
      into.set(name, value);
    }
    start = end + 1;
  }
  return into;
}
