import { createPrivateKey, randomBytes, X509Certificate } from 'node:crypto';
import { SAML } from '@node-saml/node-saml';
import { AwsError } from '../../errors/index.js';
import type { ConnectorCapability, ConnectorConfig, ConnectorDeps, ConnectorFactory, ConnectorIdentity, SignInConnector } from '../connector.js';
import { SignInConfigError, SignInError } from '../sign-in-errors.js';
import { MAX_SAML_RESPONSE_LENGTH, SAML_CLOCK_SKEW_MS, verifySamlSignIn, type SamlSignIn, type SamlVerification } from './verify.js';

/**
 * The SAML 2.0 service-provider sign-in connector (type `saml`): people sign in at an IdP and
 * come back as the principal AssumeRoleWithSAML would make of the same assertion.
 *
 *   beginLogin  → an AuthnRequest built by node-saml (HTTP-Redirect, signed with the SP key when
 *                 settings.signAuthnRequests), RelayState = the router's state, the request ID
 *                 remembered server-side; the ACS is the router's callback URL (HTTP-POST).
 *   completeLogin → SAMLResponse → verifySamlSignIn (the SAME verifier as AssumeRoleWithSAML:
 *                 signature against the IAM SAML provider's certificates, issuer, conditions,
 *                 audience = this connector's SP entity id, recipient/destination = the ACS URL,
 *                 structure caps, XSW defences; EncryptedAssertions decrypted with the SP key and
 *                 then checked exactly as plaintext ones), run in the SAML worker pool when the
 *                 composition root provides it → InResponseTo = the remembered request id (used
 *                 once) or, unsolicited, none at all and allowIdpInitiated → the assertion ID used
 *                 once (same one-time-use scope and key as AssumeRoleWithSAML) → groups, email,
 *                 name, upstream MFA from the AuthnContextClassRef.
 *
 * Settings (all optional but entryPoint):
 *   entryPoint                 the IdP's SingleSignOnService URL for HTTP-Redirect (https; http only when insecure issuers are allowed)
 *   entityId                   this SP's entity id (default `${publicUrl}/signin/<id>/metadata`)
 *   spCertificate              PEM certificate of secrets.spPrivateKey (published in the SP metadata for signing and encryption)
 *   signAuthnRequests          sign AuthnRequests (RSA-SHA256) with spPrivateKey (default false)
 *   requireEncryptedAssertions refuse plaintext assertions (needs spPrivateKey; default false)
 *   nameIdFormat               NameIDPolicy Format requested (default persistent)
 *   forceAuthn                 ask the IdP to re-authenticate the person (default false)
 *   groupsAttribute            attribute holding groups (default: `groups`, then http://schemas.xmlsoap.org/claims/Group)
 *   emailAttribute, nameAttribute  (defaults: the usual names, OIDs and WS-Fed claim URIs, in order)
 *   mfaContexts                AuthnContextClassRef values that mean multi-factor (default MFA_CONTEXTS)
 * Secrets: spPrivateKey (PEM; needed to sign requests or decrypt assertions).
 */

export const MFA_CONTEXTS: readonly string[] = [
  'urn:oasis:names:tc:SAML:2.0:ac:classes:TimeSyncToken',
  'urn:oasis:names:tc:SAML:2.0:ac:classes:MobileTwoFactorContract',
  'urn:oasis:names:tc:SAML:2.0:ac:classes:MobileTwoFactorUnregistered',
  'urn:oasis:names:tc:SAML:2.0:ac:classes:Smartcard',
  'urn:oasis:names:tc:SAML:2.0:ac:classes:SmartcardPKI',
  'http://schemas.microsoft.com/claims/multipleauthn',
  'https://refeds.org/profile/mfa',
];
const GROUP_ATTRIBUTES = ['groups', 'http://schemas.xmlsoap.org/claims/Group'];
const EMAIL_ATTRIBUTES = ['email', 'mail', 'urn:oid:0.9.2342.19200300.100.1.3', 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress'];
const NAME_ATTRIBUTES = ['name', 'displayName', 'urn:oid:2.16.840.1.113730.3.1.241', 'cn', 'urn:oid:2.5.4.3', 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name'];
const PERSISTENT = 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent';
const SAML_PROVIDER_ARN = /^arn:[a-z][a-z0-9-]*:iam::(\d{12}):saml-provider\/[\w._-]{1,128}$/;
/** How long a request id stays "used": longer than any login flow lives. */
const REQUEST_ID_TTL_MS = 60 * 60_000;
/** Groups kept from one assertion (the structure caps already bound the document). */
const MAX_GROUPS = 256;

export interface SamlConnectorSettings {
  entryPoint: string;
  entityId?: string | undefined;
  spCertificate?: string | undefined;
  signAuthnRequests: boolean;
  requireEncryptedAssertions: boolean;
  nameIdFormat: string;
  forceAuthn: boolean;
  groupsAttribute?: string | undefined;
  emailAttribute?: string | undefined;
  nameAttribute?: string | undefined;
  mfaContexts: readonly string[];
}

const KNOWN = new Set(['entryPoint', 'entityId', 'spCertificate', 'signAuthnRequests', 'requireEncryptedAssertions', 'nameIdFormat', 'forceAuthn', 'groupsAttribute', 'emailAttribute', 'nameAttribute', 'mfaContexts']);

function str(s: Record<string, unknown>, name: string, max = 2048): string | undefined {
  const v = s[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string' || v.length === 0 || v.length > max) throw new SignInConfigError(`settings.${name} must be a non-empty string of at most ${max} characters`);
  return v;
}
function bool(s: Record<string, unknown>, name: string): boolean {
  const v = s[name];
  if (v === undefined || v === null) return false;
  if (typeof v !== 'boolean') throw new SignInConfigError(`settings.${name} must be true or false`);
  return v;
}

/** Parse and check the settings (SignInConfigError names the setting, never a secret value). */
export function samlSettings(cfg: ConnectorConfig, allowInsecure = true): SamlConnectorSettings {
  const s = cfg.settings ?? {};
  for (const k of Object.keys(s)) if (!KNOWN.has(k)) throw new SignInConfigError(`settings.${k} is not a setting of saml connectors`);
  const entryPoint = str(s, 'entryPoint');
  if (!entryPoint) throw new SignInConfigError('settings.entryPoint (the IdP SingleSignOnService URL, HTTP-Redirect binding) is required');
  let u: URL;
  try {
    u = new URL(entryPoint);
  } catch {
    throw new SignInConfigError('settings.entryPoint must be an absolute URL');
  }
  if (u.protocol !== 'https:' && !(u.protocol === 'http:' && allowInsecure)) throw new SignInConfigError('settings.entryPoint must be an https URL');
  if (u.username || u.password || u.hash) throw new SignInConfigError('settings.entryPoint must not carry credentials or a fragment');
  if (!SAML_PROVIDER_ARN.test(cfg.providerArn)) throw new SignInConfigError('providerArn must name an IAM SAML provider (arn:aws:iam::ACCOUNT:saml-provider/NAME)');

  const spCertificate = str(s, 'spCertificate', 20_000);
  const key = cfg.secrets?.spPrivateKey;
  if (spCertificate !== undefined) {
    let cert: X509Certificate;
    try {
      cert = new X509Certificate(spCertificate);
    } catch {
      throw new SignInConfigError('settings.spCertificate must be a PEM X.509 certificate');
    }
    if (key) {
      let ok = false;
      try {
        ok = cert.checkPrivateKey(createPrivateKey(key));
      } catch {
        throw new SignInConfigError('secrets.spPrivateKey must be a PEM private key');
      }
      if (!ok) throw new SignInConfigError('secrets.spPrivateKey does not belong to settings.spCertificate');
    }
  } else if (key) {
    throw new SignInConfigError('settings.spCertificate is required with secrets.spPrivateKey (the SP metadata publishes it)');
  }
  const signAuthnRequests = bool(s, 'signAuthnRequests');
  const requireEncryptedAssertions = bool(s, 'requireEncryptedAssertions');
  if ((signAuthnRequests || requireEncryptedAssertions) && !key) {
    throw new SignInConfigError(`secrets.spPrivateKey is required with settings.${signAuthnRequests ? 'signAuthnRequests' : 'requireEncryptedAssertions'}`);
  }
  const entityId = str(s, 'entityId', 1024);
  const mfa = s.mfaContexts;
  if (mfa !== undefined && (!Array.isArray(mfa) || mfa.length > 64 || mfa.some((m) => typeof m !== 'string' || m.length === 0 || m.length > 1024))) {
    throw new SignInConfigError('settings.mfaContexts must be a list of AuthnContextClassRef URIs');
  }
  return {
    entryPoint,
    entityId,
    spCertificate,
    signAuthnRequests,
    requireEncryptedAssertions,
    nameIdFormat: str(s, 'nameIdFormat', 1024) ?? PERSISTENT,
    forceAuthn: bool(s, 'forceAuthn'),
    groupsAttribute: str(s, 'groupsAttribute', 1024),
    emailAttribute: str(s, 'emailAttribute', 1024),
    nameAttribute: str(s, 'nameAttribute', 1024),
    mfaContexts: (mfa as string[] | undefined) ?? MFA_CONTEXTS,
  };
}

const xmlEscape = (v: string) => v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const certBody = (pem: string) => pem.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, '');

/** SP metadata: what an IdP administrator imports (entity id, ACS, our certificate, what we want signed). */
export function spMetadataXml(o: { entityId: string; acsUrl: string; certificate?: string | undefined; authnRequestsSigned: boolean; nameIdFormat: string }): string {
  const keyInfo = (use: 'signing' | 'encryption', extra = '') =>
    `<md:KeyDescriptor use="${use}"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>${certBody(o.certificate!)}</ds:X509Certificate></ds:X509Data></ds:KeyInfo>${extra}</md:KeyDescriptor>`;
  const enc = ['http://www.w3.org/2009/xmlenc11#aes256-gcm', 'http://www.w3.org/2009/xmlenc11#aes128-gcm', 'http://www.w3.org/2001/04/xmlenc#aes256-cbc', 'http://www.w3.org/2001/04/xmlenc#aes128-cbc']
    .map((a) => `<md:EncryptionMethod Algorithm="${a}"/>`)
    .join('');
  return (
    `<?xml version="1.0" encoding="UTF-8"?>` +
    `<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="${xmlEscape(o.entityId)}">` +
    `<md:SPSSODescriptor AuthnRequestsSigned="${o.authnRequestsSigned}" WantAssertionsSigned="true" protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">` +
    (o.certificate ? keyInfo('signing') + keyInfo('encryption', enc) : '') +
    `<md:NameIDFormat>${xmlEscape(o.nameIdFormat)}</md:NameIDFormat>` +
    `<md:AssertionConsumerService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="${xmlEscape(o.acsUrl)}" index="0" isDefault="true"/>` +
    `</md:SPSSODescriptor></md:EntityDescriptor>`
  );
}

function firstOf(attrs: Record<string, string[]>, names: readonly string[]): string | undefined {
  for (const n of names) {
    const v = attrs[n]?.find((x) => x.length > 0);
    if (v !== undefined) return v;
  }
  return undefined;
}

function groupsOf(attrs: Record<string, string[]>, name: string | undefined): string[] {
  const out = new Set<string>();
  for (const n of name ? [name] : GROUP_ATTRIBUTES) for (const g of attrs[n] ?? []) if (g.length > 0 && g.length <= 256) out.add(g);
  return [...out].slice(0, MAX_GROUPS);
}

export const samlConnector: ConnectorFactory = {
  type: 'saml',
  secretNames: ['spPrivateKey'],
  validate(cfg) {
    samlSettings(cfg);
  },
  create(cfg: ConnectorConfig, deps: ConnectorDeps): SignInConnector {
    const settings = samlSettings(cfg, deps.allowInsecure);
    const spPrivateKey = cfg.secrets.spPrivateKey || undefined;
    const entityId = settings.entityId ?? `${deps.publicUrl.replace(/\/+$/, '')}/signin/${cfg.id}/metadata`;
    const capabilities: ConnectorCapability[] = ['redirect', 'post-callback', 'groups'];
    if (cfg.allowIdpInitiated) capabilities.push('idp-initiated');
    const verify = deps.samlVerifier ?? ((b64: string, v: SamlVerification) => verifySamlSignIn(b64, v));

    const provider = async () => {
      const p = await deps.samlProvider(cfg.providerArn);
      if (!p) throw new SignInError('provider_missing', 'This sign-in method is not available: its SAML provider does not exist.', 503);
      return p;
    };

    const refuse = (reason: 'assertion_invalid' | 'not_in_response_to_us', message: string) => new SignInError(reason, message);

    return {
      id: cfg.id,
      type: 'saml',
      displayName: cfg.displayName,
      capabilities,
      requireMfa: cfg.requireMfa,
      login: {
        stateParam: { in: 'body', name: 'RelayState' },

        async beginLogin(rt, state) {
          const p = await provider();
          // An NCName (node-saml and the schema want a letter or '_' first), 160 random bits.
          const requestId = `_${randomBytes(20).toString('hex')}`;
          const saml = new SAML({
            entryPoint: settings.entryPoint,
            issuer: entityId,
            callbackUrl: rt.callbackUrl,
            idpCert: p.signingCertificates,
            generateUniqueId: () => requestId,
            identifierFormat: settings.nameIdFormat,
            // Requesting a class (node-saml's default asks for PasswordProtectedTransport, exact) would stop an IdP asserting MFA.
            disableRequestedAuthnContext: true,
            forceAuthn: settings.forceAuthn,
            validateInResponseTo: 'never' as never,
            ...(settings.signAuthnRequests && spPrivateKey ? { privateKey: spPrivateKey, signatureAlgorithm: 'sha256' as const } : {}),
          });
          const redirectUrl = await saml.getAuthorizeUrlAsync(state, undefined, {});
          return { redirectUrl, remember: { requestId } };
        },

        async completeLogin(rt, cb, remembered): Promise<ConnectorIdentity> {
          const b64 = cb.method.toUpperCase() === 'POST' ? cb.body.SAMLResponse : undefined;
          if (typeof b64 !== 'string' || b64.length === 0) throw new SignInError('invalid_request', 'The identity provider did not send a SAML response (HTTP-POST).');
          if (b64.length > MAX_SAML_RESPONSE_LENGTH) throw refuse('assertion_invalid', 'The SAML response is too large.');
          if (remembered === null && !cfg.allowIdpInitiated) {
            throw new SignInError('unsolicited_response', 'This sign-in method does not accept sign-ins started at the identity provider. Start at Tessera’s sign-in page.');
          }
          const p = await provider();
          let result: SamlSignIn;
          try {
            result = await verify(b64, {
              provider: p,
              sp: { audiences: [entityId], recipients: [rt.callbackUrl] },
              // As AssumeRoleWithSAML: the provider ARN's account (saml:doc, the name qualifier).
              accountId: p.arn.split(':')[4]!,
              now: rt.now,
              decryptionKey: spPrivateKey,
            });
          } catch (e) {
            if (e instanceof AwsError) {
              if (e.status >= 500 || e.code === 'Throttling') throw new SignInError('upstream_error', 'Tessera is busy; please try again in a moment.', 503, { cause: e });
              // The verifier's messages are fixed texts about the assertion (no secret in them).
              throw new SignInError('assertion_invalid', `The SAML response was refused: ${e.message}`, 400, { cause: e });
            }
            throw new SignInError('assertion_invalid', 'The SAML response was refused.', 400, { cause: e });
          }
          if (settings.requireEncryptedAssertions && !result.encrypted) throw refuse('assertion_invalid', 'This sign-in method accepts only encrypted SAML assertions.');

          // InResponseTo: the signed SubjectConfirmationData's must be the request we sent (the
          // Response's, when present, too); an unsolicited answer must not claim to answer anything.
          const { response: rIrt, confirmation: cIrt } = result.inResponseTo;
          if (remembered === null) {
            if (rIrt !== null || cIrt !== null) throw refuse('not_in_response_to_us', 'This SAML response answers a sign-in request Tessera did not send (or one that has ended).');
          } else {
            const expected = remembered.requestId;
            if (!expected || cIrt !== expected || (rIrt !== null && rIrt !== expected)) {
              throw refuse('not_in_response_to_us', 'This SAML response answers a different sign-in request.');
            }
            if (!(await deps.consumeOnce('saml-request', `${cfg.id}\n${expected}`, new Date(rt.now.getTime() + REQUEST_ID_TTL_MS), rt.now))) {
              throw new SignInError('state_reused', 'This sign-in request has already been answered.');
            }
          }
          const identity = result.identity;
          // Same scope and key as AssumeRoleWithSAML: an assertion is accepted once, by either.
          const until = new Date(identity.tokenExpiresAt.getTime() + SAML_CLOCK_SKEW_MS);
          if (!(await deps.consumeOnce('saml-assertion', `${p.arn}\n${identity.tokenId ?? ''}`, until, rt.now))) {
            throw refuse('assertion_invalid', 'This SAML assertion has already been used.');
          }

          const attrs = result.attributes;
          const mfa = result.authnContextClassRef !== undefined && settings.mfaContexts.includes(result.authnContextClassRef);
          return {
            federated: identity,
            groups: groupsOf(attrs, settings.groupsAttribute),
            email: firstOf(attrs, settings.emailAttribute ? [settings.emailAttribute] : EMAIL_ATTRIBUTES),
            displayName: firstOf(attrs, settings.nameAttribute ? [settings.nameAttribute] : NAME_ATTRIBUTES),
            upstreamMfa: mfa ? { authTime: result.authnInstant ?? rt.now } : undefined,
          };
        },
      },
      spMetadata(rt) {
        return spMetadataXml({
          entityId,
          acsUrl: rt.callbackUrl,
          certificate: settings.spCertificate,
          authnRequestsSigned: settings.signAuthnRequests,
          nameIdFormat: settings.nameIdFormat,
        });
      },
    };
  },
};
