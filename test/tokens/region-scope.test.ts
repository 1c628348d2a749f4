import { describe, expect, it } from 'vitest';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { IAMClient, ListUsersCommand } from '@aws-sdk/client-iam';
import { SignatureV4 } from '@smithy/signature-v4';
import { Sha256 } from '../support/sha256.js';
import { rejection } from '../support/clients.js';
import { useTessera, type TestTessera } from '../support/tessera.js';
import { loadConfig, ConfigError } from '../../src/config/index.js';
import { AWS_REGIONS } from '../../src/tokens/regions.js';

/**
 * The SigV4 credential scope must name a real AWS region or a configured extra one
 * (TESSERA_EXTRA_REGIONS); anything else is what AWS answers: SignatureDoesNotMatch (403),
 * "Credential should be scoped to a valid region, not '<region>'. ", for both SigV4 forms.
 */
let t: TestTessera;
useTessera(
  (started) => {
    t = started;
  },
  { env: { TESSERA_EXTRA_REGIONS: 'onprem-1, lab-east-2' } },
);

const sts = (region: string) => new STSClient({ endpoint: t.url, region, credentials: t.root, maxAttempts: 1 });
const iam = (region: string) => new IAMClient({ endpoint: t.url, region, credentials: t.root, maxAttempts: 1 });

async function presigned(region: string) {
  const u = new URL(t.url);
  const req = await new SignatureV4({ credentials: t.root, region, service: 'sts', sha256: Sha256 as never }).presign({
    method: 'GET',
    protocol: 'http:',
    hostname: u.hostname,
    port: Number(u.port),
    path: '/',
    query: { Action: 'GetCallerIdentity', Version: '2011-06-15' },
    headers: { host: u.host },
  });
  const res = await fetch(`${t.url}/?${new URLSearchParams(req.query as Record<string, string>)}`);
  return { status: res.status, text: await res.text() };
}

describe('SigV4 credential scope region', () => {
  it.each(['us-east-1', 'eu-central-2', 'ap-southeast-7', 'us-gov-west-1', 'cn-north-1', 'onprem-1', 'lab-east-2'])('%s is accepted', async (region) => {
    expect((await sts(region).send(new GetCallerIdentityCommand({}))).Account).toBe(t.accountId);
    expect((await presigned(region)).status).toBe(200);
  });

  it('IAM accepts a real region too', async () => {
    expect((await iam('eu-west-3').send(new ListUsersCommand({}))).Users).toEqual([]);
  });

  it.each(['mars-1', 'US-EAST-1', 'aws-global', 'us-east-99', 'eu-central-3', 'onprem-2', 'a'.repeat(60)])('%j is SignatureDoesNotMatch (header and presigned)', async (region) => {
    const e = await rejection(sts(region).send(new GetCallerIdentityCommand({})));
    expect(e.name).toBe('SignatureDoesNotMatch');
    expect(e.message).toBe(`Credential should be scoped to a valid region, not '${region}'. `);
    expect(e.$metadata.httpStatusCode).toBe(403);
    const ie = await rejection(iam(region).send(new ListUsersCommand({})));
    expect(ie.name).toBe('SignatureDoesNotMatch');
    const p = await presigned(region);
    expect(p.status).toBe(403);
    expect(p.text).toContain('<Code>SignatureDoesNotMatch</Code>');
    expect(p.text).toContain(`<Message>Credential should be scoped to a valid region, not '${region}'. </Message>`);
  });

  it('the built-in list covers every partition and no pseudo-region', () => {
    for (const r of ['us-east-1', 'us-west-2', 'eu-central-2', 'il-central-1', 'mx-central-1', 'cn-northwest-1', 'us-gov-east-1', 'us-iso-east-1', 'eusc-de-east-1']) expect(AWS_REGIONS).toContain(r);
    for (const r of AWS_REGIONS) expect(r).toMatch(/^[a-z]{2,4}(-[a-z]+)+-\d$/);
    expect(AWS_REGIONS.some((r) => r.endsWith('-global'))).toBe(false);
  });

  it('TESSERA_EXTRA_REGIONS is validated', () => {
    expect(loadConfig({ TESSERA_EXTRA_REGIONS: ' a-1 ,b-2,,' }).extraRegions).toEqual(['a-1', 'b-2']);
    expect(loadConfig({}).extraRegions).toEqual([]);
    for (const bad of ['US-EAST-1', 'a b', 'a_1', '-a', 'a-', `${'a'.repeat(65)}`]) {
      expect(() => loadConfig({ TESSERA_EXTRA_REGIONS: bad }), bad).toThrow(ConfigError);
    }
  });
});
