/**
 * SAML 2.0 IdP metadata, parsed defensively (the document comes from an IAM caller and may be
 * hostile): no DOCTYPE (so no entity expansion or external entities), a size cap, the root must
 * be md:EntityDescriptor (or md:EntitiesDescriptor holding one IdP), any parser complaint
 * rejects the document. Every failure is InvalidInput "Could not parse metadata", never a 500.
 *
 * Signing certificates are those of the IDPSSODescriptor's KeyDescriptors with use="signing"
 * or no use (ds:KeyInfo/ds:X509Data/ds:X509Certificate), checked to be X.509 and returned as PEM.
 * validUntil is the earliest validUntil on the chosen descriptor, its IDPSSODescriptor or the
 * EntitiesDescriptor around it.
 */
import { X509Certificate } from 'node:crypto';
import { DOMParser, type Element } from '@xmldom/xmldom';
import { Errors } from '../../errors/index.js';

export const MD_NS = 'urn:oasis:names:tc:SAML:2.0:metadata';
export const DS_NS = 'http://www.w3.org/2000/09/xmldsig#';
/** CreateSAMLProvider's SAMLMetadataDocument limit. */
export const MAX_METADATA_LENGTH = 10_000_000;
/** Structural caps checked before the DOM is built (the DOM parser is slow on pathological nesting). */
export const MAX_ELEMENT_DEPTH = 64;
export const MAX_ELEMENTS = 50_000;

export interface SamlMetadata {
  entityId: string;
  /** PEM, in document order, without duplicates. */
  signingCertificates: string[];
  validUntil: Date | undefined;
  /** SingleSignOnService endpoints: binding URI → location. */
  singleSignOnServices: { binding: string; location: string }[];
}

const fail = () => Errors.invalidInput('Could not parse metadata');

export function parseSamlMetadata(xml: string): SamlMetadata {
  if (typeof xml !== 'string' || xml.length === 0 || xml.length > MAX_METADATA_LENGTH) throw fail();
  // DTDs are never legitimate in metadata; refusing them removes entity expansion and XXE outright.
  if (/<!DOCTYPE|<!ENTITY|<!ELEMENT|<!ATTLIST/i.test(xml)) throw fail();
  if (!withinStructureLimits(xml)) throw fail();
  try {
    return parse(xml);
  } catch {
    throw fail();
  }
}

/** A linear pre-scan of tags: nesting depth and element count stay under the caps. */
function withinStructureLimits(xml: string): boolean {
  let depth = 0;
  let elements = 0;
  let i = xml.indexOf('<');
  while (i !== -1) {
    const next = xml.charCodeAt(i + 1);
    if (xml.startsWith('<!--', i)) {
      const end = xml.indexOf('-->', i + 4);
      if (end === -1) return false;
      i = xml.indexOf('<', end + 3);
      continue;
    }
    if (xml.startsWith('<![CDATA[', i)) {
      const end = xml.indexOf(']]>', i + 9);
      if (end === -1) return false;
      i = xml.indexOf('<', end + 3);
      continue;
    }
    const close = xml.indexOf('>', i + 1);
    if (close === -1) return false;
    if (next === 0x2f /* / */) depth--;
    else if (next !== 0x3f /* ? */ && next !== 0x21 /* ! */) {
      if (++elements > MAX_ELEMENTS) return false;
      if (xml.charCodeAt(close - 1) !== 0x2f && ++depth > MAX_ELEMENT_DEPTH) return false;
    }
    i = xml.indexOf('<', close + 1);
  }
  return true;
}

const children = (el: Element, ns: string, local: string): Element[] => {
  const out: Element[] = [];
  for (let n = el.firstChild; n; n = n.nextSibling) {
    if (n.nodeType === 1) {
      const e = n as Element;
      if (e.namespaceURI === ns && e.localName === local) out.push(e);
    }
  }
  return out;
};

const text = (el: Element): string => (el.textContent ?? '').trim();

function parseDate(v: string | null): Date | undefined {
  if (v === null || v === '') return undefined;
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/.test(v.trim())) throw new Error('bad validUntil');
  const d = new Date(v.trim());
  if (Number.isNaN(d.getTime())) throw new Error('bad validUntil');
  return d;
}

function toPem(b64: string): string {
  const body = b64.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(body)) throw new Error('bad certificate');
  const cert = new X509Certificate(Buffer.from(body, 'base64'));
  return cert.toString().trim();
}

function parse(xml: string): SamlMetadata {
  const doc = new DOMParser({
    onError: (level: string) => {
      if (level !== 'warning') throw new Error('xml');
    },
  }).parseFromString(xml, 'text/xml');
  const root = doc.documentElement;
  if (!root || root.namespaceURI !== MD_NS) throw new Error('root');

  let entity: Element | undefined;
  const validUntils: (Date | undefined)[] = [];
  if (root.localName === 'EntityDescriptor') entity = root;
  else if (root.localName === 'EntitiesDescriptor') {
    validUntils.push(parseDate(root.getAttribute('validUntil')));
    entity = children(root, MD_NS, 'EntityDescriptor').find((e) => children(e, MD_NS, 'IDPSSODescriptor').length > 0);
  }
  if (!entity) throw new Error('no entity');
  const entityId = entity.getAttribute('entityID') ?? '';
  if (entityId.length === 0 || entityId.length > 1024) throw new Error('entityID');
  const idp = children(entity, MD_NS, 'IDPSSODescriptor')[0];
  if (!idp) throw new Error('no IDPSSODescriptor');
  validUntils.push(parseDate(entity.getAttribute('validUntil')), parseDate(idp.getAttribute('validUntil')));

  const certs: string[] = [];
  for (const kd of children(idp, MD_NS, 'KeyDescriptor')) {
    const use = kd.getAttribute('use');
    if (use && use !== 'signing') continue;
    for (const ki of children(kd, DS_NS, 'KeyInfo')) {
      for (const xd of children(ki, DS_NS, 'X509Data')) {
        for (const xc of children(xd, DS_NS, 'X509Certificate')) {
          const pem = toPem(text(xc));
          if (!certs.includes(pem)) certs.push(pem);
        }
      }
    }
  }
  if (certs.length === 0) throw new Error('no signing certificate');

  const sso = children(idp, MD_NS, 'SingleSignOnService').map((s) => ({
    binding: s.getAttribute('Binding') ?? '',
    location: s.getAttribute('Location') ?? '',
  }));
  const dates = validUntils.filter((d): d is Date => d !== undefined);
  const validUntil = dates.length ? new Date(Math.min(...dates.map((d) => d.getTime()))) : undefined;
  return { entityId, signingCertificates: certs, validUntil, singleSignOnServices: sso };
}
