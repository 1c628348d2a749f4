import { DOMParser, type Document, type Element } from '@xmldom/xmldom';

/**
 * Hostile-input XML parsing for SAML: no DOCTYPE (so no entities, no external references),
 * checked on the raw text before any parser sees it; any parser warning or error rejects.
 */
export const NS = {
  protocol: 'urn:oasis:names:tc:SAML:2.0:protocol',
  assertion: 'urn:oasis:names:tc:SAML:2.0:assertion',
  dsig: 'http://www.w3.org/2000/09/xmldsig#',
} as const;

export class XmlRejected extends Error {
  override readonly name = 'XmlRejected';
}

export function hasDoctype(xml: string): boolean {
  return /<!DOCTYPE|<!ENTITY/i.test(xml);
}

/** Characters XML 1.0 does not allow (Char production), raw or as character references. */
const ILLEGAL_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;
const CHAR_REF = /&#(?:x([0-9a-fA-F]{1,8})|([0-9]{1,10}));/g;
const legalCodePoint = (c: number) =>
  c === 0x9 || c === 0xa || c === 0xd || (c >= 0x20 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd) || (c >= 0x10000 && c <= 0x10ffff);

export function hasIllegalCharacters(xml: string): boolean {
  if (ILLEGAL_CHAR.test(xml)) return true;
  for (const m of xml.matchAll(CHAR_REF)) if (!legalCodePoint(m[1] !== undefined ? parseInt(m[1], 16) : Number(m[2]))) return true;
  return false;
}

export function parseXml(xml: string): Document {
  if (hasDoctype(xml)) throw new XmlRejected('DOCTYPE is not allowed');
  if (hasIllegalCharacters(xml)) throw new XmlRejected('a character XML does not allow (such as U+0000)');
  const doc = new DOMParser({
    onError: (level, message) => {
      throw new XmlRejected(`${level}: ${message}`);
    },
  }).parseFromString(xml, 'text/xml');
  if (!doc.documentElement) throw new XmlRejected('no document element');
  return doc;
}

/** Direct children of `el` with this namespace and local name. */
export function children(el: Element, ns: string, local: string): Element[] {
  const out: Element[] = [];
  for (let n = el.firstChild; n; n = n.nextSibling) {
    if (n.nodeType === 1 && (n as Element).localName === local && (n as Element).namespaceURI === ns) out.push(n as Element);
  }
  return out;
}

export const child = (el: Element, ns: string, local: string): Element | undefined => children(el, ns, local)[0];

/** Caps checked on the raw text before a DOM is built (the DOM costs far more than this scan). */
export interface StructureLimits {
  elements: number;
  depth: number;
  attributesPerElement: number;
  attributes: number;
}

const ATTRIBUTE = /\s[^\s=<>/"']+\s*=\s*["']/g;

/**
 * One linear pass over the tags: element count, nesting depth and attribute counts stay under
 * the caps. Returns the first cap exceeded (or 'malformed' for an unterminated construct), or
 * undefined when the text is within limits. Approximate on purpose (a '>' inside an attribute
 * value ends the tag early): the parser that follows is strict; this only bounds its work.
 */
export function structureViolation(xml: string, limits: StructureLimits): string | undefined {
  let depth = 0;
  let elements = 0;
  let attributes = 0;
  let i = xml.indexOf('<');
  while (i !== -1) {
    const next = xml.charCodeAt(i + 1);
    if (xml.startsWith('<!--', i) || xml.startsWith('<![CDATA[', i)) {
      const end = xml.indexOf(next === 0x21 && xml.charCodeAt(i + 2) === 0x2d ? '-->' : ']]>', i + 4);
      if (end === -1) return 'malformed';
      i = xml.indexOf('<', end + 3);
      continue;
    }
    const close = xml.indexOf('>', i + 1);
    if (close === -1) return 'malformed';
    if (next === 0x2f /* / */) depth--;
    else if (next !== 0x3f /* ? */ && next !== 0x21 /* ! */) {
      if (++elements > limits.elements) return 'elements';
      if (xml.charCodeAt(close - 1) !== 0x2f && ++depth > limits.depth) return 'depth';
      const n = xml.slice(i, close).match(ATTRIBUTE)?.length ?? 0;
      if (n > limits.attributesPerElement) return 'attributes';
      if ((attributes += n) > limits.attributes) return 'attributes';
    }
    i = xml.indexOf('<', close + 1);
  }
  return undefined;
}

/** Visit every element under `root` (itself included) once, in document order, without recursion. */
export function forEachElement(root: Element, visit: (el: Element) => void): void {
  const stack: Element[] = [root];
  while (stack.length > 0) {
    const el = stack.pop()!;
    visit(el);
    const kids: Element[] = [];
    for (let n = el.firstChild; n; n = n.nextSibling) if (n.nodeType === 1) kids.push(n as Element);
    for (let k = kids.length - 1; k >= 0; k--) stack.push(kids[k]!);
  }
}

/** Every element in the document with this local name, whatever its namespace. */
export function allByLocalName(doc: Document | Element, local: string): Element[] {
  return Array.from(doc.getElementsByTagName('*')).filter((e) => e.localName === local);
}

export const text = (el: Element | undefined): string | undefined => (el ? (el.textContent ?? '').trim() : undefined);
