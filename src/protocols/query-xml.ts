/**
 * XML rendering for AWS Query responses. A result is a plain object whose key order is the
 * element order; arrays render as `<member>` lists (or `<entry><key/><value/></entry>` maps via
 * `xmlMap`); undefined and null are omitted; Dates render as `2026-11-27T19:50:10Z`.
 */
export type XmlValue = string | number | boolean | Date | XmlObject | XmlValue[] | XmlMap | XmlRaw | null | undefined;
export interface XmlObject {
  [key: string]: XmlValue;
}
export class XmlMap {
  constructor(readonly entries: [string, XmlValue][]) {}
}
/** Element content already rendered (by renderXmlValue, e.g. in a worker thread): emitted as is. */
export class XmlRaw {
  constructor(readonly xml: string) {}
}
export const xmlMap = (o: Record<string, XmlValue> | [string, XmlValue][]) =>
  new XmlMap(Array.isArray(o) ? o : Object.entries(o));

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

function renderValue(v: XmlValue): string {
  if (v === null || v === undefined) return '';
  if (v instanceof XmlRaw) return v.xml;
  if (typeof v === 'string') return escapeXml(v);
  if (typeof v === 'number') return String(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (v instanceof Date) return awsDate(v);
  if (Array.isArray(v)) return v.map((m) => `<member>${renderValue(m)}</member>`).join('');
  if (v instanceof XmlMap) return v.entries.map(([k, x]) => `<entry><key>${escapeXml(k)}</key><value>${renderValue(x)}</value></entry>`).join('');
  return renderObject(v);
}

/** The content a value renders to inside its element (for XmlRaw). */
export const renderXmlValue = (v: XmlValue): string => renderValue(v);

export function renderObject(o: XmlObject): string {
  let s = '';
  for (const k in o) {
    const v = o[k];
    if (v === undefined || v === null) continue;
    s += `<${k}>${renderValue(v)}</${k}>`;
  }
  return s;
}

export function successXml(action: string, ns: string, result: XmlObject | undefined, requestId: string): string {
  const body = result === undefined ? '' : `<${action}Result>${renderObject(result)}</${action}Result>`;
  return `<${action}Response xmlns="${ns}">${body}<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>`;
}

/** A success response around a result already serialized from the model (src/protocols/query-output.ts). */
export function modelSuccessXml(action: string, ns: string, resultXml: string | undefined, requestId: string): string {
  const body = resultXml === undefined ? '' : `<${action}Result>${resultXml}</${action}Result>`;
  return `<${action}Response xmlns="${ns}">${body}<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>`;
}

export function errorXml(ns: string | undefined, type: string, code: string, message: string, requestId: string): string {
  const x = ns ? ` xmlns="${ns}"` : '';
  return `<ErrorResponse${x}><Error><Type>${type}</Type><Code>${escapeXml(code)}</Code><Message>${escapeXml(message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`;
}
