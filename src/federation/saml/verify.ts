import { createHash } from 'node:crypto';
import { SAML } from '@node-saml/node-saml';
import type { Document, Element } from '@xmldom/xmldom';
import { AwsError, Errors } from '../../errors/index.js';
import type { FederatedIdentity } from '../connector.js';
import { validateSessionTags } from '../session-tags.js';
import { child, children, forEachElement, NS, parseXml, structureViolation, text, XmlRejected, type StructureLimits } from './dom.js';
import { samlConditionKeys } from './condition-keys.js';

/**
 * Verifying a SAML 2.0 Response for AssumeRoleWithSAML. node-saml checks the XML signature
 * (and returns only the bytes the signature covers); Tessera adds what node-saml does not:
 *
 *   decode (base64, ≤ 100,000 chars) → parse (no DOCTYPE, strict) → checkStructure (one
 *   Response, exactly ONE Assertion, its direct child, no EncryptedAssertion, unique IDs;
 *   signatures only on the Response or that Assertion, referencing their parent, SHA-256 or
 *   stronger) → checkStatus (Success) → checkDestination → verifySignature (node-saml, against
 *   the provider's metadata certificates; Response or Assertion signed) → read the SIGNED
 *   assertion only (same ID as the one in the document) → checkIssuer (= provider entity id) →
 *   checkBearerConfirmation (Recipient ∈ Tessera's ACS URLs, NotOnOrAfter in the future) →
 *   checkConditions (NotBefore/NotOnOrAfter, every AudienceRestriction names Tessera) →
 *   readAttributes (Role pairs, RoleSessionName, SessionDuration, SourceIdentity, PrincipalTag:*,
 *   TransitiveTagKeys) → normalize.
 * Replay (each assertion ID once) is checked by the caller (services.oneTimeUses, durable).
 *
 * Sign-in connectors (src/federation/saml/connector.ts) call the same code through
 * verifySamlSignIn, which also returns what a browser sign-in needs (InResponseTo, the
 * AuthnContext, the attributes) and, given the SP's private key, accepts ONE EncryptedAssertion:
 * node-saml decrypts it while verifying, and the decrypted assertion goes through the same
 * structure checks (checkAssertionStructure) before anything reads it. AssumeRoleWithSAML passes
 * no key, so it keeps refusing encrypted assertions.
 */
export interface SamlProviderRecord {
  arn: string;
  name: string;
  entityId: string;
  /** PEM certificates (or bare base64 bodies) from the provider's metadata. */
  signingCertificates: string[];
  validUntil?: Date | null | undefined;
}

export interface SamlServiceProvider {
  /** Accepted AudienceRestriction values (Tessera's SP entity id, optionally AWS's). */
  audiences: string[];
  /** Accepted SubjectConfirmationData Recipient / Response Destination values (ACS URLs). */
  recipients: string[];
}

export interface SamlVerification {
  provider: SamlProviderRecord;
  sp: SamlServiceProvider;
  accountId: string;
  now: Date;
  /** The SP private key (PEM) EncryptedAssertions are encrypted to; without it they are refused. */
  decryptionKey?: string | undefined;
}

/** What a browser sign-in needs beyond the identity (structured-clone safe: it crosses the worker boundary). */
export interface SamlSignIn {
  identity: FederatedIdentity;
  /**
   * Response/@InResponseTo (covered by a signature only when the Response is signed) and the
   * accepted bearer SubjectConfirmationData/@InResponseTo (always inside the signed assertion).
   */
  inResponseTo: { response: string | null; confirmation: string | null };
  /** Whether the assertion arrived as an EncryptedAssertion. */
  encrypted: boolean;
  /** AuthnStatement/AuthnContext/AuthnContextClassRef and AuthnStatement/@AuthnInstant of the signed assertion. */
  authnContextClassRef?: string | undefined;
  authnInstant?: Date | undefined;
  /** Every attribute of the signed assertion, by Name. */
  attributes: Record<string, string[]>;
}

export const MAX_SAML_RESPONSE_LENGTH = 100_000;
/**
 * Structural caps on the decoded Response, checked before any DOM is built. A real IdP response
 * has a few dozen elements plus one AttributeValue per group; these leave ample room for that.
 */
export const SAML_STRUCTURE_LIMITS: StructureLimits = { elements: 4_096, depth: 32, attributesPerElement: 32, attributes: 8_192 };
/** AWS: "Token must be redeemed within 5 minutes of issuance" (the Response and Assertion IssueInstant). */
export const SAML_REDEEM_WITHIN_MS = 5 * 60_000;
/** Tolerated clock difference with the IdP for NotBefore / NotOnOrAfter. */
export const SAML_CLOCK_SKEW_MS = 60_000;
export const ROLE_ATTRIBUTE = 'https://aws.amazon.com/SAML/Attributes/Role';
const ATTR = 'https://aws.amazon.com/SAML/Attributes/';
const BEARER = 'urn:oasis:names:tc:SAML:2.0:cm:bearer';
const SUCCESS = 'urn:oasis:names:tc:SAML:2.0:status:Success';
const NAMEID_PREFIX = 'urn:oasis:names:tc:SAML:2.0:nameid-format:';

const STRONG_SIGNATURES = new Set([
  'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
  'http://www.w3.org/2001/04/xmldsig-more#rsa-sha384',
  'http://www.w3.org/2001/04/xmldsig-more#rsa-sha512',
  'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256',
  'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384',
  'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha512',
]);
const STRONG_DIGESTS = new Set([
  'http://www.w3.org/2001/04/xmlenc#sha256',
  'http://www.w3.org/2001/04/xmldsig-more#sha384',
  'http://www.w3.org/2001/04/xmlenc#sha512',
]);

/** EncryptedAssertion algorithms decrypted: AES (no 3DES) for the data, RSA-OAEP for the key (never RSA PKCS#1 v1.5). */
const DATA_ENCRYPTION = new Set([
  'http://www.w3.org/2009/xmlenc11#aes256-gcm',
  'http://www.w3.org/2009/xmlenc11#aes128-gcm',
  'http://www.w3.org/2001/04/xmlenc#aes256-cbc',
  'http://www.w3.org/2001/04/xmlenc#aes128-cbc',
]);
const KEY_TRANSPORT = new Set(['http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p', 'http://www.w3.org/2009/xmlenc11#rsa-oaep']);
const XMLENC_NS = 'http://www.w3.org/2001/04/xmlenc#';
/**
 * Every failure on the encrypted path has this one message: telling "could not decrypt" from
 * "decrypted, but the signature is wrong" would be a decryption oracle (CBC padding attacks).
 */
const ENCRYPTED_INVALID = 'The encrypted SAML assertion could not be decrypted and verified with this service provider\'s key';

const invalid = (m: string, cause?: unknown) => Errors.invalidIdentityToken(m, cause);
const SIGNATURE_INVALID = 'Response signature invalid';

function decode(b64: string): string {
  if (b64.length > MAX_SAML_RESPONSE_LENGTH) throw invalid('SAML response is too large');
  const compact = b64.replace(/\s+/g, '');
  if (compact.length === 0 || compact.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(compact)) throw invalid('Invalid base64 SAML response');
  const bytes = Buffer.from(compact, 'base64');
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (e) {
    throw invalid('Invalid SAML response encoding', e);
  }
}

function parse(xml: string): Document {
  const over = structureViolation(xml, SAML_STRUCTURE_LIMITS);
  if (over === 'malformed') throw invalid('Invalid SAML response: malformed XML');
  if (over) throw invalid(`Invalid SAML response: too many ${over === 'depth' ? 'nested elements' : over}`);
  try {
    return parseXml(xml);
  } catch (e) {
    if (e instanceof XmlRejected && /DOCTYPE/.test(e.message)) throw invalid('DOCTYPE is not allowed in SAML responses', e);
    throw invalid('Invalid SAML response: malformed XML', e);
  }
}

/** One ds:Signature: on `parent` (an allowed element), one Reference to its parent's ID, SHA-256 or stronger. */
function checkSignatureElement(sig: Element, allowed: readonly Element[]): void {
  const parent = sig.parentNode as Element | null;
  if (sig.namespaceURI !== NS.dsig || !parent || !allowed.includes(parent)) throw invalid(SIGNATURE_INVALID);
  const signedInfo = child(sig, NS.dsig, 'SignedInfo');
  const method = signedInfo ? child(signedInfo, NS.dsig, 'SignatureMethod')?.getAttribute('Algorithm') : null;
  if (!method || !STRONG_SIGNATURES.has(method)) throw invalid('Unsupported SAML signature algorithm: SHA-256 or stronger is required');
  const refs = signedInfo ? children(signedInfo, NS.dsig, 'Reference') : [];
  if (refs.length !== 1 || refs[0]!.getAttribute('URI') !== `#${parent.getAttribute('ID') ?? ''}`) throw invalid(SIGNATURE_INVALID);
  const digest = child(refs[0]!, NS.dsig, 'DigestMethod')?.getAttribute('Algorithm');
  if (!digest || !STRONG_DIGESTS.has(digest)) throw invalid('Unsupported SAML digest algorithm: SHA-256 or stronger is required');
}

/**
 * Signature-wrapping defence: exactly the shapes a legitimate IdP produces, nothing else. One walk over the DOM.
 * `assertion` is null when the Response carries one EncryptedAssertion instead (only allowed with a decryption key).
 */
function checkStructure(doc: Document, allowEncrypted: boolean): { response: Element; assertion: Element | null } {
  const response = doc.documentElement!;
  if (response.localName !== 'Response' || response.namespaceURI !== NS.protocol) throw invalid('Invalid SAML response: the root element must be samlp:Response');
  let responses = 0;
  const encrypted: Element[] = [];
  let duplicateIds = false;
  const assertions: Element[] = [];
  const signatures: Element[] = [];
  const ids = new Set<string>();
  forEachElement(response, (el) => {
    switch (el.localName) {
      case 'Response': responses++; break;
      case 'EncryptedAssertion': encrypted.push(el); break;
      case 'Assertion': assertions.push(el); break;
      case 'Signature': signatures.push(el); break;
    }
    for (const name of ['ID', 'Id', 'id']) {
      const v = el.getAttribute(name);
      if (v === null || v === '') continue;
      if (ids.has(v)) duplicateIds = true;
      ids.add(v);
    }
  });
  if (responses !== 1) throw invalid('Invalid SAML response: nested Response elements');
  if (encrypted.length > 0) {
    if (!allowEncrypted) throw invalid('Encrypted SAML assertions are not supported');
    // One EncryptedAssertion, a direct child, and nothing else: its signatures are inside the ciphertext.
    if (encrypted.length !== 1 || assertions.length !== 0) throw invalid('Invalid SAML response: more than one assertion');
    if (encrypted[0]!.parentNode !== response || encrypted[0]!.namespaceURI !== NS.assertion) throw invalid('Invalid SAML response: misplaced assertion');
    if (duplicateIds) throw invalid('Invalid SAML response: duplicate IDs');
    for (const sig of signatures) checkSignatureElement(sig, [response]);
    checkEncryptionAlgorithms(encrypted[0]!);
    return { response, assertion: null };
  }
  if (assertions.length !== 1) throw invalid(assertions.length === 0 ? 'Invalid SAML response: no assertion' : 'Invalid SAML response: more than one assertion');
  const assertion = assertions[0]!;
  if (assertion.parentNode !== response || assertion.namespaceURI !== NS.assertion) throw invalid('Invalid SAML response: misplaced assertion');
  if (duplicateIds) throw invalid('Invalid SAML response: duplicate IDs');
  if (signatures.length === 0) throw invalid(SIGNATURE_INVALID);
  for (const sig of signatures) checkSignatureElement(sig, [response, assertion]);
  return { response, assertion };
}

/** One EncryptedData (AES) whose key is an EncryptedKey under RSA-OAEP, inside or beside it. */
function checkEncryptionAlgorithms(ea: Element): void {
  const data = children(ea, XMLENC_NS, 'EncryptedData');
  if (data.length !== 1) throw invalid('Invalid SAML response: malformed EncryptedAssertion');
  const alg = child(data[0]!, XMLENC_NS, 'EncryptionMethod')?.getAttribute('Algorithm');
  if (!alg || !DATA_ENCRYPTION.has(alg)) throw invalid('Unsupported SAML assertion encryption: AES is required');
  const keys: Element[] = [...children(ea, XMLENC_NS, 'EncryptedKey')];
  const keyInfo = child(data[0]!, NS.dsig, 'KeyInfo');
  if (keyInfo) keys.push(...children(keyInfo, XMLENC_NS, 'EncryptedKey'));
  if (keys.length === 0) throw invalid('Invalid SAML response: malformed EncryptedAssertion');
  for (const k of keys) {
    const ka = child(k, XMLENC_NS, 'EncryptionMethod')?.getAttribute('Algorithm');
    if (!ka || !KEY_TRANSPORT.has(ka)) throw invalid('Unsupported SAML key transport: RSA-OAEP is required');
  }
}

/**
 * The decrypted assertion of an EncryptedAssertion, as node-saml returned it: the same shape
 * rules as a plaintext one (within the caps, no DOCTYPE, no nested Assertion/Response, unique
 * IDs, signatures only on it and SHA-256+).
 */
function checkAssertionStructure(xml: string): Element {
  const assertion = parse(xml).documentElement!;
  if (assertion.localName !== 'Assertion' || assertion.namespaceURI !== NS.assertion) throw invalid(SIGNATURE_INVALID);
  const ids = new Set<string>();
  forEachElement(assertion, (el) => {
    if (el !== assertion && ['Assertion', 'EncryptedAssertion', 'Response'].includes(el.localName ?? '')) throw invalid('Invalid SAML response: more than one assertion');
    if (el.localName === 'Signature') checkSignatureElement(el, [assertion]);
    for (const name of ['ID', 'Id', 'id']) {
      const v = el.getAttribute(name);
      if (v === null || v === '') continue;
      if (ids.has(v)) throw invalid('Invalid SAML response: duplicate IDs');
      ids.add(v);
    }
  });
  return assertion;
}

function checkStatus(response: Element): void {
  const status = child(response, NS.protocol, 'Status');
  const code = status ? child(status, NS.protocol, 'StatusCode')?.getAttribute('Value') : undefined;
  if (code !== SUCCESS) throw invalid(`SAML response status is not Success: ${code ?? 'missing'}`);
}

async function verifySignature(b64: string, v: SamlVerification, encrypted: boolean): Promise<string> {
  const certs = v.provider.signingCertificates;
  if (certs.length === 0) throw invalid(SIGNATURE_INVALID);
  const saml = new SAML({
    idpCert: certs,
    issuer: v.sp.audiences[0] ?? 'tessera',
    callbackUrl: v.sp.recipients[0] ?? 'https://localhost/saml',
    audience: false,
    wantAuthnResponseSigned: false,
    wantAssertionsSigned: false,
    // Time windows are checked below against the request's time, not node-saml's clock.
    acceptedClockSkewMs: -1,
    validateInResponseTo: 'never' as never,
    ...(v.decryptionKey ? { decryptionPvk: v.decryptionKey } : {}),
  });
  let xml: string | undefined;
  try {
    const { profile } = await saml.validatePostResponseAsync({ SAMLResponse: b64.replace(/\s+/g, '') });
    xml = profile?.getAssertionXml?.();
  } catch (e) {
    throw invalid(encrypted ? ENCRYPTED_INVALID : SIGNATURE_INVALID, e);
  }
  if (!xml) throw invalid(encrypted ? ENCRYPTED_INVALID : SIGNATURE_INVALID);
  return xml;
}

const time = (s: string | null | undefined): number | undefined => {
  if (!s) return undefined;
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(s)) throw invalid('Invalid SAML timestamp');
  return Date.parse(s);
};

/**
 * AWS refuses a SAML response redeemed more than 5 minutes after its IssueInstant
 * (ExpiredTokenException), and Tessera refuses one issued in the future beyond the clock skew.
 * Checked on the Response (what AWS documents) and on the signed Assertion (the only one of the
 * two an attacker cannot rewrite when just the Assertion is signed).
 */
function checkIssueInstant(el: Element, what: 'response' | 'assertion', nowMs: number): void {
  const issued = time(el.getAttribute('IssueInstant'));
  if (issued === undefined) throw invalid(`SAML ${what} has no IssueInstant`);
  if (issued > nowMs + SAML_CLOCK_SKEW_MS) throw invalid(`SAML ${what} IssueInstant is in the future`);
  if (nowMs - issued > SAML_REDEEM_WITHIN_MS) throw Errors.expiredTokenException('Token must be redeemed within 5 minutes of issuance');
}

function expired(nowMs: number, notOnOrAfter: number): AwsError {
  return Errors.expiredTokenException(
    `Token expired: current date/time ${Math.floor(nowMs / 1000)} must be before the expiration date/time ${Math.floor(notOnOrAfter / 1000)}`,
  );
}

interface Confirmed {
  recipient: string;
  notOnOrAfter: number;
}

function checkBearer(assertion: Element, sp: SamlServiceProvider, nowMs: number): { subject: Element; nameId: Element; confirmed: Confirmed & { inResponseTo: string | null } } {
  const subject = child(assertion, NS.assertion, 'Subject');
  const nameId = subject ? child(subject, NS.assertion, 'NameID') : undefined;
  if (!subject || !nameId || !text(nameId)) throw invalid('SAML assertion has no Subject NameID');
  let lastExpired: number | undefined;
  for (const sc of children(subject, NS.assertion, 'SubjectConfirmation')) {
    if (sc.getAttribute('Method') !== BEARER) continue;
    const data = child(sc, NS.assertion, 'SubjectConfirmationData');
    if (!data) continue;
    const recipient = data.getAttribute('Recipient') ?? '';
    if (!sp.recipients.includes(recipient)) continue;
    const nooa = time(data.getAttribute('NotOnOrAfter'));
    if (nooa === undefined) continue;
    const nb = time(data.getAttribute('NotBefore'));
    if (nb !== undefined && nowMs + SAML_CLOCK_SKEW_MS < nb) continue;
    if (nowMs - SAML_CLOCK_SKEW_MS >= nooa) {
      lastExpired = nooa;
      continue;
    }
    return { subject, nameId, confirmed: { recipient, notOnOrAfter: nooa, inResponseTo: data.getAttribute('InResponseTo') || null } };
  }
  if (lastExpired !== undefined) throw expired(nowMs, lastExpired);
  throw invalid('SAML assertion has no valid bearer SubjectConfirmation for this service provider (Recipient)');
}

function checkConditions(assertion: Element, sp: SamlServiceProvider, nowMs: number): { audience: string; notOnOrAfter: number | undefined } {
  const all = children(assertion, NS.assertion, 'Conditions');
  if (all.length !== 1) throw invalid('SAML assertion must have exactly one Conditions element');
  const conditions = all[0]!;
  const nb = time(conditions.getAttribute('NotBefore'));
  const nooa = time(conditions.getAttribute('NotOnOrAfter'));
  if (nb !== undefined && nowMs + SAML_CLOCK_SKEW_MS < nb) throw invalid('SAML assertion is not yet valid');
  if (nooa !== undefined && nowMs - SAML_CLOCK_SKEW_MS >= nooa) throw expired(nowMs, nooa);
  const restrictions = children(conditions, NS.assertion, 'AudienceRestriction');
  if (restrictions.length === 0) throw invalid('SAML assertion has no AudienceRestriction');
  let audience: string | undefined;
  for (const r of restrictions) {
    const hit = children(r, NS.assertion, 'Audience').map((a) => text(a) ?? '').find((a) => sp.audiences.includes(a));
    if (hit === undefined) throw invalid('SAML assertion audience does not match this service provider');
    audience ??= hit;
  }
  return { audience: audience!, notOnOrAfter: nooa };
}

function readAttributes(assertion: Element): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const st of children(assertion, NS.assertion, 'AttributeStatement')) {
    for (const a of children(st, NS.assertion, 'Attribute')) {
      const name = a.getAttribute('Name');
      if (!name) continue;
      const values = children(a, NS.assertion, 'AttributeValue').map((v) => text(v) ?? '');
      out.set(name, [...(out.get(name) ?? []), ...values]);
    }
  }
  return out;
}

export interface RolePair {
  roleArn: string;
  providerArn: string;
}

/** "role-arn,provider-arn" in either order; malformed entries are ignored. */
export function parseRolePairs(values: string[]): RolePair[] {
  const pairs: RolePair[] = [];
  for (const v of values) {
    const parts = v.split(',').map((s) => s.trim());
    if (parts.length !== 2) continue;
    const role = parts.find((p) => /^arn:[^:]+:iam::\d{12}:role\/.+/.test(p));
    const prov = parts.find((p) => /^arn:[^:]+:iam::\d{12}:saml-provider\/.+/.test(p));
    if (role && prov) pairs.push({ roleArn: role, providerArn: prov });
  }
  return pairs;
}

const single = (attrs: Map<string, string[]>, name: string): string | undefined => {
  const v = attrs.get(ATTR + name);
  return v && v.length > 0 ? v[0] : undefined;
};

export function nameQualifier(issuer: string, accountId: string, providerName: string): string {
  return createHash('sha1').update(`${issuer}${accountId}/${providerName}`, 'utf8').digest('base64');
}

/** AssumeRoleWithSAML's verification: the identity only. */
export async function verifySamlResponse(b64: string, v: SamlVerification): Promise<FederatedIdentity> {
  return (await verifySamlSignIn(b64, v)).identity;
}

export async function verifySamlSignIn(b64: string, v: SamlVerification): Promise<SamlSignIn> {
  const nowMs = v.now.getTime();
  const xml = decode(b64);
  const doc = parse(xml);
  const { response, assertion: docAssertion } = checkStructure(doc, v.decryptionKey !== undefined);
  const encrypted = docAssertion === null;
  checkStatus(response);
  const destination = response.getAttribute('Destination');
  if (destination && !v.sp.recipients.includes(destination)) throw invalid('SAML response Destination does not match this service provider');
  if (v.provider.validUntil && v.provider.validUntil.getTime() <= nowMs) throw invalid('The SAML provider metadata has expired');

  // Everything below reads the signed assertion only.
  const signedXml = await verifySignature(b64, v, encrypted);
  let assertion: Element;
  if (encrypted) {
    // The only assertion there is (node-saml refuses a second one), checked as a plaintext one is.
    assertion = checkAssertionStructure(signedXml);
  } else {
    try {
      assertion = parseXml(signedXml).documentElement!;
    } catch (e) {
      throw invalid(SIGNATURE_INVALID, e);
    }
  }
  const id = assertion.getAttribute('ID') ?? '';
  if (assertion.localName !== 'Assertion' || !id || (docAssertion !== null && id !== docAssertion.getAttribute('ID'))) throw invalid(SIGNATURE_INVALID);

  const issuer = text(child(assertion, NS.assertion, 'Issuer'));
  if (issuer !== v.provider.entityId) throw invalid('Issuer in the SAML assertion does not match the SAML provider');
  const { nameId, confirmed } = checkBearer(assertion, v.sp, nowMs);
  const conditions = checkConditions(assertion, v.sp, nowMs);
  checkIssueInstant(response, 'response', nowMs);
  checkIssueInstant(assertion, 'assertion', nowMs);

  const subject = text(nameId)!;
  const format = nameId.getAttribute('Format') ?? undefined;
  const subjectType = format === undefined ? undefined : format.startsWith(NAMEID_PREFIX) ? format.slice(NAMEID_PREFIX.length) : format;
  const attrs = readAttributes(assertion);
  const roles = parseRolePairs(attrs.get(ROLE_ATTRIBUTE) ?? []);

  const tags: Record<string, string> = {};
  for (const [name, values] of attrs) {
    if (name.startsWith(`${ATTR}PrincipalTag:`)) tags[name.slice(`${ATTR}PrincipalTag:`.length)] = values[0] ?? '';
  }
  const transitive = attrs.get(`${ATTR}TransitiveTagKeys`);
  const sessionTags = Object.keys(tags).length > 0 || transitive ? validateSessionTags(tags, transitive) : undefined;
  const durationText = single(attrs, 'SessionDuration');
  const sessionDuration = durationText !== undefined && /^\d{1,6}$/.test(durationText) ? Number(durationText) : undefined;
  if (durationText !== undefined && (sessionDuration === undefined || sessionDuration < 900 || sessionDuration > 43200)) {
    throw invalid('SessionDuration in AuthnResponse must be an integer between 900 and 43200');
  }
  const acceptableUntil = Math.min(confirmed.notOnOrAfter, conditions.notOnOrAfter ?? Infinity);
  const authn = child(assertion, NS.assertion, 'AuthnStatement');
  const sessionNotOnOrAfter = time(authn?.getAttribute('SessionNotOnOrAfter'));
  const nq = nameQualifier(issuer, v.accountId, v.provider.name);
  const keys = samlConditionKeys({
    recipient: confirmed.recipient,
    issuer,
    subject,
    subjectType: subjectType ?? 'unspecified',
    nameQualifier: nq,
    doc: `${v.accountId}/${v.provider.name}`,
    attributes: attrs,
  });
  const identity: FederatedIdentity = {
    kind: 'saml',
    providerArn: v.provider.arn,
    keyPrefix: 'saml',
    issuer,
    subject,
    subjectType,
    audience: confirmed.recipient,
    conditionKeys: keys,
    persistentKeys: { 'saml:namequalifier': nq, 'saml:sub': subject, 'saml:sub_type': subjectType ?? 'unspecified' },
    session: {
      sessionName: single(attrs, 'RoleSessionName'),
      sourceIdentity: single(attrs, 'SourceIdentity'),
      tags: sessionTags?.tags,
      transitiveTagKeys: sessionTags?.transitiveTagKeys,
      sessionDuration,
      notOnOrAfter: sessionNotOnOrAfter === undefined ? undefined : new Date(sessionNotOnOrAfter),
    },
    tokenId: id,
    tokenExpiresAt: new Date(acceptableUntil),
    saml: { nameQualifier: nq, audience: conditions.audience, roles },
  };
  const authnContext = authn ? child(authn, NS.assertion, 'AuthnContext') : undefined;
  const authnInstant = time(authn?.getAttribute('AuthnInstant'));
  return {
    identity,
    inResponseTo: { response: response.getAttribute('InResponseTo') || null, confirmation: confirmed.inResponseTo },
    encrypted,
    authnContextClassRef: text(authnContext ? child(authnContext, NS.assertion, 'AuthnContextClassRef') : undefined),
    authnInstant: authnInstant === undefined ? undefined : new Date(authnInstant),
    attributes: Object.fromEntries(attrs),
  };
}
