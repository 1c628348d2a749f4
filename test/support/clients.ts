import { IAMClient } from '@aws-sdk/client-iam';
import { STSClient } from '@aws-sdk/client-sts';

/** The official SDK clients pointed at a test Tessera, one attempt each (errors surface as they are). */
export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export const iamClient = (t: { url: string }, credentials: Credentials) =>
  new IAMClient({ endpoint: t.url, region: 'us-east-1', credentials, maxAttempts: 1 });

export const stsClient = (t: { url: string }, credentials: Credentials) =>
  new STSClient({ endpoint: t.url, region: 'us-east-1', credentials, maxAttempts: 1 });

/** The error a call must fail with (fails the test when the call succeeds). */
export const rejection = (p: Promise<unknown>): Promise<any> =>
  p.then(
    () => {
      throw new Error('expected an error');
    },
    (e: unknown) => e,
  );
