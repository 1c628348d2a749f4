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

export function parseXml(xml: string): Document {
  if (hasDoctype(xml)) throw new XmlRejected('DOCTYPE is not allowed');
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

/** Every element in the document with this local name, whatever its namespace. */
export function allByLocalName(doc: Document | Element, local: string): Element[] {
  return Array.from(doc.getElementsByTagName('*')).filter((e) => e.localName === local);
}

export const text = (el: Element | undefined): string | undefined => (el ? (el.textContent ?? '').trim() : undefined);
