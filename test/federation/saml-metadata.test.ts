import { beforeAll, describe, expect, it } from 'vitest';
import { parseSamlMetadata } from '../../src/federation/saml/metadata.js';
import { AwsError } from '../../src/errors/index.js';
import { certBody, idpMetadata, makeCert } from '../iam/providers/saml-fixture.js';

let cert: string;
let cert2: string;
beforeAll(async () => {
  [cert, cert2] = await Promise.all([makeCert('idp-a'), makeCert('idp-b')]);
});

const rejects = (xml: string) => {
  let err: unknown;
  try {
    parseSamlMetadata(xml);
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(AwsError);
  expect((err as AwsError).code).toBe('InvalidInput');
  expect((err as AwsError).message).toBe('Could not parse metadata');
};

describe('parseSamlMetadata', () => {
  it('reads entityID, signing certificates (PEM) and validUntil', () => {
    const md = parseSamlMetadata(idpMetadata({ entityId: 'https://idp.example.com/saml', cert, validUntil: '2031-01-02T03:04:05Z', extraCert: cert2 }));
    expect(md.entityId).toBe('https://idp.example.com/saml');
    expect(md.signingCertificates).toHaveLength(1);
    expect(md.signingCertificates[0]).toMatch(/^-----BEGIN CERTIFICATE-----\n/);
    expect(certBody(md.signingCertificates[0]!)).toBe(certBody(cert));
    expect(md.validUntil?.toISOString()).toBe('2031-01-02T03:04:05.000Z');
    expect(md.singleSignOnServices.map((s) => s.location)).toEqual(['https://idp.example.com/sso/redirect', 'https://idp.example.com/sso/post']);
  });

  it('a KeyDescriptor without use is a signing key; encryption-only keys are not', () => {
    expect(parseSamlMetadata(idpMetadata({ entityId: 'x', cert, use: null })).signingCertificates).toHaveLength(1);
    rejects(idpMetadata({ entityId: 'x', cert, use: 'encryption' }));
  });

  it('accepts an EntitiesDescriptor around one IdP and takes the earliest validUntil', () => {
    const inner = idpMetadata({ entityId: 'https://idp', cert, validUntil: '2035-01-01T00:00:00Z' }).replace(/^<\?xml[^>]*>\s*/, '');
    const xml = `<md:EntitiesDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" validUntil="2030-06-01T00:00:00Z">${inner}</md:EntitiesDescriptor>`;
    const md = parseSamlMetadata(xml);
    expect(md.entityId).toBe('https://idp');
    expect(md.validUntil?.toISOString()).toBe('2030-06-01T00:00:00.000Z');
  });

  describe('adversarial input is InvalidInput, never anything else', () => {
    it('DOCTYPE with entity expansion (billion laughs)', () => {
      const lol = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>`;
      rejects(lol + idpMetadata({ entityId: '&lol3;', cert }).replace(/^<\?xml[^>]*>/, ''));
    });
    it('external entity (XXE)', () => {
      rejects(`<?xml version="1.0"?><!DOCTYPE md [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>` + idpMetadata({ entityId: '&xxe;', cert }).replace(/^<\?xml[^>]*>/, ''));
    });
    it('wrong root element or namespace', () => {
      rejects(idpMetadata({ entityId: 'x', cert }).replace(/md:EntityDescriptor/g, 'md:Something'));
      rejects(idpMetadata({ entityId: 'x', cert }).replace('urn:oasis:names:tc:SAML:2.0:metadata', 'urn:example:other'));
      rejects(`<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol">${'x'.repeat(1000)}</samlp:Response>`);
    });
    it('garbage, truncated XML, non-XML', () => {
      rejects('not xml at all '.repeat(100));
      rejects(idpMetadata({ entityId: 'x', cert }).slice(0, 700));
      rejects('{"json": true}');
      rejects('');
      rejects('<<<>>>'.repeat(300));
    });
    it('missing entityID, missing IDPSSODescriptor, bad certificate, bad validUntil', () => {
      rejects(idpMetadata({ entityId: 'x', cert }).replace(' entityID="x"', ''));
      rejects(idpMetadata({ entityId: 'x', cert }).replace(/IDPSSODescriptor/g, 'SPSSODescriptor'));
      rejects(idpMetadata({ entityId: 'x', cert: '-----BEGIN CERTIFICATE-----\nQUJDRA==\n-----END CERTIFICATE-----' }));
      rejects(idpMetadata({ entityId: 'x', cert, validUntil: 'tomorrow' }));
    });
    it('huge documents and deep nesting', () => {
      rejects('<a>'.repeat(2_000_000));
      rejects(idpMetadata({ entityId: 'x', cert }).replace('<md:NameIDFormat>', '<md:Extensions>' + '<x:a xmlns:x="urn:x">'.repeat(100_000) + '</md:Extensions><md:NameIDFormat>'));
      rejects('x'.repeat(10_000_001));
    });
  });
});

describe('XML characters', () => {
  it('refuses what XML 1.0 does not allow, raw or as a character reference, and nothing else', async () => {
    const { hasIllegalCharacters, parseXml } = await import('../../src/federation/saml/dom.js');
    for (const bad of ['a\u0000b', 'a\u0001b', 'a\u001fb', 'a\uffffb', '&#0;', '&#x0;', '&#x1F;', '&#65534;', '&#x110000;', '&#1;']) {
      expect(hasIllegalCharacters(`<a>${bad}</a>`), JSON.stringify(bad)).toBe(true);
      expect(() => parseXml(`<a>${bad}</a>`)).toThrow(/XML does not allow/);
    }
    for (const ok of ['tab\there', 'line\nfeed', 'cr\r', '&#9;', '&#xA;', '&#x1F600;', 'é ü 😀', '&#xD7FF;', '&#65533;']) {
      expect(hasIllegalCharacters(`<a>${ok}</a>`), JSON.stringify(ok)).toBe(false);
    }
  });
});
