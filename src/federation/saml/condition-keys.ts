/**
 * The `saml:*` condition keys AWS builds from an assertion (reference_policies_iam-condition-keys,
 * "Available keys for SAML-based federation"): saml:aud is the SubjectConfirmationData Recipient
 * (not the Audience), saml:doc is `ACCOUNT/ProviderName`, and well-known attributes (by OID or by
 * plain name) become multi-valued keys such as saml:cn, saml:mail, saml:edupersonaffiliation.
 */
const ATTRIBUTE_KEYS: Record<string, string> = {
  'urn:oid:1.3.6.1.4.1.5923.1.1.1.1': 'edupersonaffiliation',
  'urn:oid:1.3.6.1.4.1.5923.1.1.1.11': 'edupersonassurance',
  'urn:oid:1.3.6.1.4.1.5923.1.1.1.7': 'edupersonentitlement',
  'urn:oid:1.3.6.1.4.1.5923.1.1.1.2': 'edupersonnickname',
  'urn:oid:1.3.6.1.4.1.5923.1.1.1.3': 'edupersonorgdn',
  'urn:oid:1.3.6.1.4.1.5923.1.1.1.4': 'edupersonorgunitdn',
  'urn:oid:1.3.6.1.4.1.5923.1.1.1.5': 'edupersonprimaryaffiliation',
  'urn:oid:1.3.6.1.4.1.5923.1.1.1.8': 'edupersonprimaryorgunitdn',
  'urn:oid:1.3.6.1.4.1.5923.1.1.1.6': 'edupersonprincipalname',
  'urn:oid:1.3.6.1.4.1.5923.1.1.1.9': 'edupersonscopedaffiliation',
  'urn:oid:1.3.6.1.4.1.5923.1.1.1.10': 'edupersontargetedid',
  'urn:oid:1.3.6.1.4.1.5923.1.2.1.2': 'eduorghomepageuri',
  'urn:oid:1.3.6.1.4.1.5923.1.2.1.10': 'eduorgidentityauthnpolicyuri',
  'urn:oid:1.3.6.1.4.1.5923.1.2.1.3': 'eduorglegalname',
  'urn:oid:1.3.6.1.4.1.5923.1.2.1.11': 'eduorgsuperioruri',
  'urn:oid:1.3.6.1.4.1.5923.1.2.1.12': 'eduorgwhitepagesuri',
  'urn:oid:2.5.4.3': 'cn',
  'urn:oid:2.5.4.42': 'givenName',
  'urn:oid:2.5.4.4': 'surname',
  'urn:oid:0.9.2342.19200300.100.1.3': 'mail',
  'urn:oid:2.5.4.41': 'name',
  'urn:oid:0.9.2342.19200300.100.1.1': 'uid',
  'urn:oid:2.5.4.45': 'x500UniqueIdentifier',
  'urn:oid:0.9.2342.19200300.100.1.45': 'organizationStatus',
};
const PLAIN = new Map(
  [...Object.values(ATTRIBUTE_KEYS), 'commonName', 'primaryGroupSID'].map((k) => [k.toLowerCase(), k] as const),
);

export interface SamlKeyInput {
  recipient: string;
  issuer: string;
  subject: string;
  subjectType: string;
  nameQualifier: string;
  doc: string;
  attributes: Map<string, string[]>;
}

export function samlConditionKeys(i: SamlKeyInput): Record<string, string | string[]> {
  const keys: Record<string, string | string[]> = {
    'saml:aud': i.recipient,
    'saml:iss': i.issuer,
    'saml:sub': i.subject,
    'saml:sub_type': i.subjectType,
    'saml:namequalifier': i.nameQualifier,
    'saml:doc': i.doc,
  };
  for (const [name, values] of i.attributes) {
    const key = ATTRIBUTE_KEYS[name] ?? PLAIN.get(name.toLowerCase());
    if (key === undefined) continue;
    const k = `saml:${key}`;
    const prev = keys[k];
    keys[k] = [...(Array.isArray(prev) ? prev : prev === undefined ? [] : [prev]), ...values];
  }
  return keys;
}
