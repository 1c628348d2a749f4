import { SignatureV4 } from '@smithy/signature-v4';
import { Sha256 } from './sha256.js';

export interface SessionCreds {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string | undefined;
}

/** POST /oauth2/token with a form, SigV4-signed (service sts) by `creds`, as an OAuth client holding them would. */
export async function signedTokenPost(base: string, form: Record<string, string>, creds: SessionCreds): Promise<{ status: number; body: Record<string, any> }> {
  const url = new URL(`${base}/oauth2/token`);
  const body = new URLSearchParams(form).toString();
  const signer = new SignatureV4({ service: 'sts', region: 'us-east-1', credentials: creds, sha256: Sha256 as never });
  const signed = (await signer.sign({
    method: 'POST',
    protocol: 'http:',
    hostname: url.hostname,
    port: Number(url.port),
    path: '/oauth2/token',
    headers: { host: url.host, 'content-type': 'application/x-www-form-urlencoded' },
    body,
  } as never)) as unknown as { headers: Record<string, string> };
  const res = await fetch(url, { method: 'POST', headers: signed.headers, body });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

/** RFC 8693 exchange of a Tessera session (signed with it) for a role. */
export const exchangeSession = (base: string, creds: SessionCreds, roleArn: string) =>
  signedTokenPost(
    base,
    {
      grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
      subject_token: creds.sessionToken!,
      subject_token_type: 'urn:tessera:params:oauth:token-type:aws-session',
      resource: roleArn,
    },
    creds,
  );
