/**
 * The AWS Query protocol's XML: the response envelopes, element-text escaping and AWS's date
 * format. What goes inside a result is serialized from the model (query-output.ts).
 */

/** Element content already serialized from the model (in a worker thread): emitted as is. */
export class XmlRaw {
  constructor(readonly xml: string) {}
}

/** Element text only (no attribute values are ever built from data): quotes stay as they are, as in AWS's responses. */
const ESC: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '\r': '&#xD;' };
/**
 * Characters XML 1.0 cannot carry at all, not even as character references: C0 controls other
 * than tab/LF/CR, U+FFFE/U+FFFF and unpaired surrogates. Outside strings echoed in a response
 * (a claim, a name in an error message) have them replaced by U+FFFD so the document stays
 * well-formed for the SDK's parser.
 */
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const NOT_XML_TEST = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF\uD800-\uDFFF]/;
export const escapeXml = (s: string) => {
  const e = s.replace(/[&<>\r]/g, (c) => ESC[c]!);
  return NOT_XML_TEST.test(e) ? e.replace(NOT_XML, '\uFFFD') : e;
};

/**
 * `2026-11-27T19:50:10Z` (whole seconds, UTC). The last few seconds formatted are remembered:
 * the hot path formats "now" and "now + duration" many times a second.
 */
export function awsDate(d: Date): string {
  const t = d.getTime();
  const sec = Math.floor(t / 1000);
  const slot = sec & (DATE_SLOTS - 1);
  if (dateSecs[slot] === sec) return dateStrs[slot]!;
  if (!Number.isFinite(t)) return d.toISOString(); // throws RangeError, as before
  const s = d.toISOString();
  // toISOString is `YYYY-MM-DDTHH:MM:SS.sssZ` (or ±YYYYYY-… for far years): drop the millis.
  const out = s.slice(0, s.length - 5) + 'Z';
  dateSecs[slot] = sec;
  dateStrs[slot] = out;
  return out;
}
const DATE_SLOTS = 64;
const dateSecs = new Float64Array(DATE_SLOTS).fill(NaN);
const dateStrs: (string | undefined)[] = new Array<string | undefined>(DATE_SLOTS);

/** A success response around a result already serialized from the model (src/protocols/query-output.ts). */
export function modelSuccessXml(action: string, ns: string, resultXml: string | undefined, requestId: string): string {
  const body = resultXml === undefined ? '' : `<${action}Result>${resultXml}</${action}Result>`;
  return `<${action}Response xmlns="${ns}">${body}<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>`;
}

export function errorXml(ns: string | undefined, type: string, code: string, message: string, requestId: string): string {
  const x = ns ? ` xmlns="${ns}"` : '';
  return `<ErrorResponse${x}><Error><Type>${type}</Type><Code>${escapeXml(code)}</Code><Message>${escapeXml(message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`;
}
