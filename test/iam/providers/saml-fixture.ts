import { generate } from 'selfsigned';

/** A self-signed IdP certificate (PEM) and IdP metadata documents built around it. */
export async function makeCert(cn = 'test-idp'): Promise<string> {
  const pems = await generate([{ name: 'commonName', value: cn }], { keySize: 2048, algorithm: 'sha256' } as any);
  return pems.cert as string;
}

export const certBody = (pem: string) => pem.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, '');

export function idpMetadata(o: { entityId: string; cert: string; validUntil?: string; use?: 'signing' | 'encryption' | null; extraCert?: string }): string {
  const use = o.use === undefined ? ' use="signing"' : o.use === null ? '' : ` use="${o.use}"`;
  const vu = o.validUntil ? ` validUntil="${o.validUntil}"` : '';
  const kd = (c: string, u: string) =>
    `<md:KeyDescriptor${u}><ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:X509Data><ds:X509Certificate>\n${certBody(c)}\n</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>`;
  return `<?xml version="1.0" encoding="UTF-8"?>
<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="${o.entityId}"${vu}>
  <md:IDPSSODescriptor WantAuthnRequestsSigned="false" protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    ${kd(o.cert, use)}
    ${o.extraCert ? kd(o.extraCert, ' use="encryption"') : ''}
    <md:NameIDFormat>urn:oasis:names:tc:SAML:2.0:nameid-format:persistent</md:NameIDFormat>
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://idp.example.com/sso/redirect"/>
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https://idp.example.com/sso/post"/>
  </md:IDPSSODescriptor>
</md:EntityDescriptor>`;
}
