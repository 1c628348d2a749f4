import { Writable } from 'node:stream';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignatureV4 } from '@smithy/signature-v4';
import { CreateAccessKeyCommand, CreateOpenIDConnectProviderCommand, CreateSAMLProviderCommand, CreateUserCommand, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import { startTestTessera, type TestInstance, type TestTessera } from '../../support/tessera.js';
import { iamClient } from '../../support/clients.js';
import { Sha256 } from '../../support/sha256.js';
import { idpMetadata, makeCert } from '../providers/saml-fixture.js';
import { createLogger } from '../../../src/log.js';
import type { ConnectorConfig, ConnectorFactory, ConnectorType, SignInConnector } from '../../../src/federation/connector.js';
import { SignInConfigError, SignInError } from '../../../src/federation/sign-in-errors.js';
import {
  ConnectorSecretsError,
  connectorSecretsAad,
  createConnectorDirectory,
  openConnectorSecrets,
  sealConnectorSecrets,
  type LoadedConnector,
} from '../../../src/federation/registry.js';
import { open } from '../../../src/keys/envelope.js';
import { applySpec, parseApplyFile, type ApplySpec } from '../../../src/iam/gitops/apply.js';
import { resolveSecret } from '../../../src/iam/gitops/cli.js';

/**
 * Sign-in connector configuration (issue 11 item 6): the store, the registry every replica keeps,
 * the admin actions (signed IAM Query calls, authorized by IAM policies, audited) and
 * `tessera apply`'s signInConnectors. The connector types here are test factories — real
 * ConnectorFactory objects with their own validate/create — so the configuration path is tested
 * without the protocol connectors.
 */

// ─── test factories ──────────────────────────────────────────────────────────────────────────
const built: ConnectorConfig[] = [];
function testFactory(type: ConnectorType, secretNames: string[], required: string[]): ConnectorFactory {
  return {
    type,
    secretNames,
    validate(cfg) {
      const issuer = cfg.settings.issuer;
      if (typeof issuer !== 'string' || !/^https?:\/\/[^/]+/.test(issuer)) throw new SignInConfigError('settings.issuer must be an http(s) URL');
      if (typeof cfg.settings.clientId !== 'string' || cfg.settings.clientId === '') throw new SignInConfigError('settings.clientId is required');
      if (cfg.settings.explode === true) throw new TypeError('a factory bug');
      for (const r of required) if (!cfg.secrets[r]) throw new SignInConfigError(`secrets.${r} is required`);
    },
    create(cfg): SignInConnector {
      built.push(cfg);
      return {
        id: cfg.id,
        type: cfg.type,
        displayName: cfg.displayName,
        capabilities: ['redirect'],
        requireMfa: cfg.requireMfa,
        login: {
          stateParam: { in: 'query', name: 'state' },
          async beginLogin(rt, state) {
            const u = new URL('/authorize', String(cfg.settings.issuer));
            u.searchParams.set('client_id', String(cfg.settings.clientId));
            u.searchParams.set('redirect_uri', rt.callbackUrl);
            u.searchParams.set('state', state);
            return { redirectUrl: u.toString(), remember: {} };
          },
          async completeLogin() {
            throw new SignInError('upstream_error', 'this test connector signs nobody in');
          },
        },
      };
    },
  };
}
const oidcFactory = testFactory('oidc', ['clientSecret'], ['clientSecret']);
const samlFactory = testFactory('saml', ['spPrivateKey'], []);
const lastBuilt = (id: string) => built.filter((c) => c.id === id).at(-1);

// ─── a Tessera, its logs, signed Query calls ───────────────────────────────────────────────────
const logs: string[] = [];
const sink = new Writable({
  write(chunk, _enc, cb) {
    logs.push(String(chunk));
    cb();
  },
});
const responses: string[] = [];
let t: TestTessera;
let r2: TestInstance;
let acct: string;
let oidcArn: string;
let samlArn: string;
const SECRET = `S3CRET-${randomBytes(6).toString('hex')}`;
const SECRET2 = `S3CRET-${randomBytes(6).toString('hex')}`;
const SAML_KEY = `-----BEGIN PRIVATE KEY-----${randomBytes(12).toString('hex')}`;

type Creds = { accessKeyId: string; secretAccessKey: string };
interface Answer {
  status: number;
  text: string;
  code: string | undefined;
  message: string | undefined;
}

const xmlText = (s: string) => s.replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
const tags = (xml: string, name: string) => [...xml.matchAll(new RegExp(`<${name}>([^<]*)</${name}>`, 'g'))].map((m) => xmlText(m[1]!));
const one = (xml: string, name: string) => tags(xml, name)[0];

async function query(creds: Creds, action: string, params: Record<string, string | boolean | undefined> = {}, url = t.url): Promise<Answer> {
  const signer = new SignatureV4({ credentials: creds, region: 'us-east-1', service: 'iam', sha256: Sha256 as never });
  const u = new URL(url);
  const clean = Object.fromEntries(Object.entries(params).filter(([, v]) => v !== undefined).map(([k, v]) => [k, String(v)]));
  const body = new URLSearchParams({ Action: action, Version: '2010-05-08', ...clean }).toString();
  const signed = await signer.sign({ method: 'POST', protocol: 'http:', hostname: u.hostname, port: Number(u.port), path: '/', headers: { host: u.host, 'content-type': 'application/x-www-form-urlencoded' }, body });
  const r = await fetch(url, { method: 'POST', headers: signed.headers as Record<string, string>, body });
  const text = await r.text();
  responses.push(text);
  return { status: r.status, text, code: one(text, 'Code'), message: one(text, 'Message') };
}
const root = (action: string, params: Record<string, string | boolean | undefined> = {}, url?: string) => query(t.root, action, params, url);

const oidcParams = (id: string, over: Record<string, string | boolean | undefined> = {}) => ({
  Id: id,
  Type: 'oidc',
  DisplayName: `Corp ${id}`,
  ProviderArn: oidcArn,
  Settings: JSON.stringify({ issuer: 'https://idp.corp.example', clientId: 'tessera' }),
  Secrets: JSON.stringify({ clientSecret: SECRET }),
  ...over,
});

/** Polls until `probe` is true; the ms it took, or null after `ms`. */
async function within(ms: number, probe: () => Promise<boolean>): Promise<number | null> {
  const t0 = Date.now();
  while (Date.now() - t0 < ms) {
    if (await probe()) return Date.now() - t0;
    await new Promise((r) => setTimeout(r, 10));
  }
  return (await probe()) ? Date.now() - t0 : null;
}

async function makeUser(name: string, policy: object): Promise<Creds> {
  const iam = iamClient(t, t.root);
  await iam.send(new CreateUserCommand({ UserName: name }));
  await iam.send(new PutUserPolicyCommand({ UserName: name, PolicyName: 'p', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [policy] }) }));
  const k = (await iam.send(new CreateAccessKeyCommand({ UserName: name }))).AccessKey!;
  return { accessKeyId: k.AccessKeyId!, secretAccessKey: k.SecretAccessKey! };
}

const auditOf = async (action: string) =>
  (
    await t.database.db.query<{ outcome: string; error_code: string | null; detail: Record<string, unknown>; principal_arn: string; user_agent: string | null }>(
      `SELECT outcome, error_code, detail, principal_arn, user_agent FROM audit_events WHERE action = $1 ORDER BY event_time, id`,
      [action],
    )
  ).rows;

beforeAll(async () => {
  t = await startTestTessera({ connectorFactories: [oidcFactory, samlFactory], logger: createLogger('trace', sink) });
  r2 = await t.replica();
  acct = t.accountId;
  const iam = iamClient(t, t.root);
  oidcArn = (await iam.send(new CreateOpenIDConnectProviderCommand({ Url: 'https://idp.corp.example', ClientIDList: ['tessera'], ThumbprintList: ['a'.repeat(40)] }))).OpenIDConnectProviderArn!;
  const cert = await makeCert('connectors-idp');
  samlArn = (await iam.send(new CreateSAMLProviderCommand({ Name: 'CorpSaml', SAMLMetadataDocument: idpMetadata({ entityId: 'https://saml.corp.example', cert }) }))).SAMLProviderArn!;
}, 60_000);

afterAll(async () => {
  await t?.stop();
});

// ─── sealing ─────────────────────────────────────────────────────────────────────────────────
describe('connector secrets are sealed under the master key', () => {
  it('round-trips, and an envelope opens only for its own account and id', () => {
    const key = randomBytes(32);
    const sealed = sealConnectorSecrets(key, '111111111111', 'corp', { clientSecret: SECRET });
    expect(sealed.includes(Buffer.from(SECRET))).toBe(false);
    expect(openConnectorSecrets(key, '111111111111', 'corp', sealed)).toEqual({ clientSecret: SECRET });
    expect(open(key, sealed, connectorSecretsAad('111111111111', 'corp')).toString()).toBe(JSON.stringify({ clientSecret: SECRET }));
    for (const [k, a, i] of [
      [key, '111111111111', 'other'],
      [key, '222222222222', 'corp'],
      [randomBytes(32), '111111111111', 'corp'],
    ] as const) {
      const e = (() => {
        try {
          openConnectorSecrets(k, a, i, sealed);
        } catch (x) {
          return x;
        }
      })();
      expect(e).toBeInstanceOf(ConnectorSecretsError);
      expect((e as Error).message).toBe(
        `the sealed secrets of sign-in connector ${i} do not open for it (copied from another connector, altered, or sealed under another master key); set its secrets again`,
      );
    }
  });
});

// ─── the registry ──────────────────────────────────────────────────────────────────────────────
describe('the connector registry (src/federation/registry.ts)', () => {
  const cfg = (id: string, over: Partial<ConnectorConfig> = {}): ConnectorConfig => ({
    id,
    type: 'oidc',
    accountId: '111111111111',
    displayName: id,
    providerArn: 'arn:aws:iam::111111111111:oidc-provider/idp.example',
    requireMfa: false,
    allowIdpInitiated: false,
    settings: { issuer: 'https://idp.example', clientId: 'c' },
    secrets: { clientSecret: 'x' },
    ...over,
  });
  const deps = (warnings: { obj: object; msg: string }[]) => ({
    logger: { warn: (obj: object, msg: string) => warnings.push({ obj, msg }) },
    allowInsecure: false,
    oidcProvider: async () => null,
    samlProvider: async () => null,
    consumeOnce: async () => true,
    publicUrl: 'https://tessera.example',
  });

  it('loads once per change: lookups, unknown ids included, are served from memory until clear()', async () => {
    let loads = 0;
    let rows: LoadedConnector[] = [{ config: cfg('a') }, { config: cfg('b', { displayName: 'Bee' }) }];
    const dir = createConnectorDirectory({ factories: [oidcFactory], load: async () => (loads++, rows), deps: deps([]) });
    expect(dir.types).toEqual(['oidc']);
    expect(dir.factory('oidc')).toBe(oidcFactory);
    expect(dir.factory('gitlab')).toBeUndefined();
    const [a, nobody] = await Promise.all([dir.get('a'), dir.get('nobody'), dir.get('b'), dir.list()]);
    expect(a?.id).toBe('a');
    expect(nobody).toBeNull();
    for (let i = 0; i < 20; i++) expect(await dir.get(`probe-${i}`)).toBeNull();
    expect(await dir.list()).toEqual([
      { id: 'a', type: 'oidc', displayName: 'a', accountId: '111111111111' },
      { id: 'b', type: 'oidc', displayName: 'Bee', accountId: '111111111111' },
    ]);
    expect(loads).toBe(1);
    rows = [{ config: cfg('c') }];
    expect(await dir.get('c')).toBeNull();
    dir.clear();
    expect(await dir.get('c')).not.toBeNull();
    expect(await dir.get('a')).toBeNull();
    expect(loads).toBe(2);
  });

  it('a failed load is not kept; one bad connector does not take the others down, and is named in the log', async () => {
    let fail = true;
    const warnings: { obj: object; msg: string }[] = [];
    const rows: LoadedConnector[] = [
      { config: cfg('good') },
      { config: cfg('invalid', { settings: { issuer: 'nope', clientId: 'c' } }) },
      { config: cfg('buggy', { settings: { issuer: 'https://x', clientId: 'c', explode: true } }) },
      { config: cfg('gl', { type: 'gitlab' }) },
      { id: 'tampered', accountId: '111111111111', type: 'oidc', error: new ConnectorSecretsError('tampered').message },
    ];
    const dir = createConnectorDirectory({
      factories: [oidcFactory],
      load: async () => {
        if (fail) throw new Error('database down');
        return rows;
      },
      deps: deps(warnings),
    });
    await expect(dir.get('good')).rejects.toThrow('database down');
    fail = false;
    expect((await dir.get('good'))?.id).toBe('good');
    for (const id of ['invalid', 'buggy', 'gl', 'tampered']) expect(await dir.get(id)).toBeNull();
    expect((await dir.list()).map((x) => x.id)).toEqual(['good']);
    expect(warnings).toEqual([
      { obj: { connectorId: 'invalid', type: 'oidc', reason: 'settings.issuer must be an http(s) URL' }, msg: 'sign-in connector unusable' },
      { obj: { connectorId: 'buggy', type: 'oidc', reason: 'could not be built (TypeError)' }, msg: 'sign-in connector unusable' },
      { obj: { connectorId: 'gl', type: 'gitlab' }, msg: 'sign-in connector of a type this installation does not build; ignored' },
      { obj: { connectorId: 'tampered', accountId: '111111111111', type: 'oidc', reason: new ConnectorSecretsError('tampered').message }, msg: 'sign-in connector unusable' },
    ]);
  });

  it('refuses two factories for one type', () => {
    expect(() => createConnectorDirectory({ factories: [oidcFactory, oidcFactory], load: async () => [], deps: deps([]) })).toThrow('two sign-in connector factories for type oidc');
  });
});

// ─── admin actions ─────────────────────────────────────────────────────────────────────────────
describe('admin actions (CreateSignInConnector … DeleteSignInConnector)', () => {
  it('Create seals the secrets, answers their names only, audits it, and every replica builds the connector within 1 s', async () => {
    // The replica has loaded (and cached) the set without it, after the setup's own invalidations reached it.
    await new Promise((r) => setTimeout(r, 300));
    expect(await r2.services.connectors.get('corp')).toBeNull();
    const t0 = Date.now();
    const made = await root('CreateSignInConnector', oidcParams('corp', { RequireMfa: true }));
    expect(made.status).toBe(200);
    expect(one(made.text, 'Id')).toBe('corp');
    expect(one(made.text, 'Arn')).toBe(`arn:aws:iam::${acct}:sign-in-connector/corp`);
    expect(one(made.text, 'ProviderArn')).toBe(oidcArn);
    expect(one(made.text, 'RequireMfa')).toBe('true');
    expect(tags(made.text, 'member')).toEqual(['clientSecret']);
    expect(JSON.parse(one(made.text, 'Settings')!)).toEqual({ issuer: 'https://idp.corp.example', clientId: 'tessera' });
    const took = await within(1000, async () => (await r2.services.connectors.get('corp')) !== null);
    expect(took).not.toBeNull();
    expect(Date.now() - t0).toBeLessThan(1000);
    // What the factory was given: the opened secrets and the settings, on both replicas.
    expect(lastBuilt('corp')).toMatchObject({ id: 'corp', accountId: acct, requireMfa: true, secrets: { clientSecret: SECRET }, providerArn: oidcArn });
    const c = (await t.services.connectors.get('corp'))!;
    expect(c.requireMfa).toBe(true);
    const begun = await c.login.beginLogin({ now: new Date(), callbackUrl: 'https://tessera.example/signin/corp/callback' }, 'st8');
    expect(new URL(begun.redirectUrl).searchParams.get('client_id')).toBe('tessera');
    expect(await r2.services.connectors.list()).toContainEqual({ id: 'corp', type: 'oidc', displayName: 'Corp corp', accountId: acct });

    const row = (await t.database.db.query<{ secrets_sealed: Buffer; settings: unknown }>(`SELECT secrets_sealed, settings FROM sign_in_connectors WHERE id = 'corp'`)).rows[0]!;
    expect(row.secrets_sealed.includes(Buffer.from(SECRET))).toBe(false);
    expect(openConnectorSecrets(t.services.masterKey, acct, 'corp', row.secrets_sealed)).toEqual({ clientSecret: SECRET });
    const audit = await auditOf('CreateSignInConnector');
    expect(audit.at(-1)).toMatchObject({ outcome: 'success', principal_arn: `arn:aws:iam::${acct}:root`, detail: { signInConnector: { id: 'corp', type: 'oidc', secretNames: ['clientSecret'] } } });
  });

  it('Get and List show settings and secret names, never values; List pages in id order', async () => {
    await root('CreateSignInConnector', { Id: 'saml-corp', Type: 'saml', ProviderArn: samlArn.replace('CorpSaml', 'corpsaml'), AllowIdpInitiated: true, Settings: JSON.stringify({ issuer: 'https://saml.corp.example', clientId: 'sp' }) });
    const got = await root('GetSignInConnector', { Id: 'saml-corp' });
    expect(got.status).toBe(200);
    // The provider's own ARN (SAML names are case-insensitive), no secrets, IdP-initiated on.
    expect(one(got.text, 'ProviderArn')).toBe(samlArn);
    expect(one(got.text, 'DisplayName')).toBe('saml-corp');
    expect(one(got.text, 'AllowIdpInitiated')).toBe('true');
    expect(tags(got.text, 'member')).toEqual([]);
    const p1 = await root('ListSignInConnectors', { MaxItems: '1' });
    expect(tags(p1.text, 'Id')).toEqual(['corp']);
    expect(one(p1.text, 'IsTruncated')).toBe('true');
    const p2 = await root('ListSignInConnectors', { Marker: one(p1.text, 'Marker')! });
    expect(tags(p2.text, 'Id')).toEqual(['saml-corp']);
    expect(one(p2.text, 'IsTruncated')).toBe('false');
    expect((await root('GetSignInConnector', { Id: 'nobody' })).code).toBe('NoSuchEntity');
  });

  it('refuses bad configurations with ValidationError (the factory\'s message), a wrong or missing provider, and a taken id', async () => {
    const cases: [Record<string, string | boolean | undefined>, string, string, number][] = [
      [oidcParams('v1', { Settings: JSON.stringify({ issuer: 'ftp://x', clientId: 'c' }) }), 'ValidationError', 'settings.issuer must be an http(s) URL', 400],
      [oidcParams('v2', { Secrets: undefined }), 'ValidationError', 'secrets.clientSecret is required', 400],
      [oidcParams('v3', { Secrets: JSON.stringify({ clientSecret: SECRET, password: SECRET2 }) }), 'ValidationError', 'Secrets.password is not a secret of a oidc connector (its secrets: clientSecret).', 400],
      [oidcParams('v4', { Settings: JSON.stringify({ issuer: 'https://x', clientId: 'c', clientSecret: SECRET2 }) }), 'ValidationError', 'Settings.clientSecret is a secret: give it in Secrets, where it is sealed.', 400],
      [oidcParams('v5', { Settings: '[1]' }), 'ValidationError', 'Settings must be a JSON object.', 400],
      [oidcParams('v6', { Secrets: `{"clientSecret": ${JSON.stringify(SECRET2)}` }), 'ValidationError', 'Secrets must be a JSON object.', 400],
      [oidcParams('v7', { Secrets: JSON.stringify({ clientSecret: 42 }) }), 'ValidationError', 'Secrets.clientSecret must be a non-empty string.', 400],
      [oidcParams('v8', { AllowIdpInitiated: true }), 'ValidationError', 'AllowIdpInitiated applies only to saml connectors.', 400],
      [oidcParams('v9', { ProviderArn: samlArn }), 'ValidationError', 'A oidc sign-in connector needs an OpenID Connect provider (arn:…:oidc-provider/HOST) as its ProviderArn.', 400],
      [{ ...oidcParams('v10'), Type: 'saml', ProviderArn: oidcArn }, 'ValidationError', 'A saml sign-in connector needs a SAML provider (arn:…:saml-provider/NAME) as its ProviderArn.', 400],
      [oidcParams('v11', { ProviderArn: 'arn:aws:iam::999999999999:oidc-provider/idp.corp.example' }), 'ValidationError', `ProviderArn must be the ARN of an IAM OIDC or SAML provider of account ${acct}.`, 400],
      [oidcParams('v12', { ProviderArn: `arn:aws:iam::${acct}:oidc-provider/nobody.example` }), 'NoSuchEntity', `OpenIDConnect Provider not found for arn arn:aws:iam::${acct}:oidc-provider/nobody.example`, 404],
      [{ ...oidcParams('v13'), Type: 'gitlab' }, 'ValidationError', 'Sign-in connector type gitlab is not available in this installation (available: oidc, saml).', 400],
      [oidcParams('mfa'), 'ValidationError', "The sign-in connector id mfa is reserved (local, mfa, recovery, password, session, assets): Tessera's own sign-in pages use it.", 400],
      [oidcParams('local'), 'ValidationError', "The sign-in connector id local is reserved (local, mfa, recovery, password, session, assets): Tessera's own sign-in pages use it.", 400],
      [oidcParams('corp'), 'EntityAlreadyExists', 'A sign-in connector with id corp already exists.', 409],
    ];
    for (const [params, code, message, status] of cases) {
      const a = await root('CreateSignInConnector', params);
      expect({ id: params.Id, code: a.code, message: a.message, status: a.status }).toEqual({ id: params.Id, code, message, status });
    }
    // The model's checks: the id is a URL path segment; a bad Secrets value is never echoed.
    const badId = await root('CreateSignInConnector', oidcParams('Corp/../x'));
    expect(badId.code).toBe('ValidationError');
    expect(badId.message).toContain("Value 'Corp/../x' at 'id' failed to satisfy constraint");
    const badSecrets = await root('CreateSignInConnector', oidcParams('v14', { Secrets: `x${SECRET2}`.repeat(5000) }));
    expect(badSecrets.code).toBe('ValidationError');
    expect(badSecrets.message).toContain("Value at 'secrets' failed to satisfy constraint");
    const rows = await t.database.db.query(`SELECT id FROM sign_in_connectors WHERE id LIKE 'v%'`);
    expect(rows.rows).toEqual([]);
    const failures = (await auditOf('CreateSignInConnector')).filter((e) => e.outcome === 'failure');
    expect(failures.map((e) => e.error_code)).toContain('EntityAlreadyExists');
  });

  it('is authorized by IAM policies on tessera:<Action> and arn:…:sign-in-connector/<id>', async () => {
    const lister = await makeUser('lister', { Effect: 'Allow', Action: 'tessera:ListSignInConnectors', Resource: '*' });
    const team = await makeUser('team-admin', { Effect: 'Allow', Action: 'tessera:*SignInConnector', Resource: `arn:aws:iam::${acct}:sign-in-connector/team-*` });
    const listed = await query(lister, 'ListSignInConnectors');
    expect(listed.status).toBe(200);
    expect(tags(listed.text, 'Id')).toEqual(['corp', 'saml-corp']);
    expect(tags(listed.text, 'member')).toEqual(['clientSecret']);
    const denied = await query(lister, 'CreateSignInConnector', oidcParams('team-x'));
    // AWS's wording, as every IAM action denies (with the encoded message STS decodes).
    expect({ status: denied.status, code: denied.code }).toEqual({ status: 403, code: 'AccessDenied' });
    expect(denied.message!.split('. Encoded authorization failure message: ')[0]).toBe(
      `User: arn:aws:iam::${acct}:user/lister is not authorized to perform: tessera:CreateSignInConnector on resource: arn:aws:iam::${acct}:sign-in-connector/team-x because no identity-based policy allows the tessera:CreateSignInConnector action`,
    );
    expect(denied.message).toMatch(/\. Encoded authorization failure message: [\w-]+$/);
    // Denied before anything is looked up: a missing and an existing id answer alike.
    for (const id of ['corp', 'nobody']) expect((await query(lister, 'GetSignInConnector', { Id: id })).code).toBe('AccessDenied');
    expect((await query(team, 'CreateSignInConnector', oidcParams('team-a'))).status).toBe(200);
    expect((await query(team, 'GetSignInConnector', { Id: 'team-a' })).status).toBe(200);
    expect((await query(team, 'GetSignInConnector', { Id: 'nobody' })).code).toBe('AccessDenied');
    expect((await query(team, 'GetSignInConnector', { Id: 'team-nobody' })).code).toBe('NoSuchEntity');
    expect((await query(team, 'DeleteSignInConnector', { Id: 'corp' })).code).toBe('AccessDenied');
    expect((await query(team, 'ListSignInConnectors')).code).toBe('AccessDenied');
    expect((await query(team, 'DeleteSignInConnector', { Id: 'team-a' })).status).toBe(200);
    const audit = await auditOf('CreateSignInConnector');
    expect(audit).toContainEqual(expect.objectContaining({ outcome: 'failure', error_code: 'AccessDenied', principal_arn: `arn:aws:iam::${acct}:user/lister` }));
    expect(audit).toContainEqual(expect.objectContaining({ outcome: 'success', principal_arn: `arn:aws:iam::${acct}:user/team-admin` }));
  });

  it('Update merges secrets, validates the result, audits what changed by name; disabling and deleting reach the other replica within 1 s', async () => {
    const bad = await root('UpdateSignInConnector', { Id: 'corp', Secrets: JSON.stringify({ clientSecret: null }) });
    expect({ code: bad.code, message: bad.message }).toEqual({ code: 'ValidationError', message: 'secrets.clientSecret is required' });
    expect(openConnectorSecrets(t.services.masterKey, acct, 'corp', (await t.services.store.signInConnectors.get(acct, 'corp'))!.secretsSealed)).toEqual({ clientSecret: SECRET });

    const up = await root('UpdateSignInConnector', { Id: 'corp', DisplayName: 'Corporate SSO', Secrets: JSON.stringify({ clientSecret: SECRET2 }) });
    expect(up.status).toBe(200);
    expect(one(up.text, 'DisplayName')).toBe('Corporate SSO');
    expect(await within(1000, async () => (await r2.services.connectors.get('corp'))?.displayName === 'Corporate SSO')).not.toBeNull();
    expect(lastBuilt('corp')?.secrets.clientSecret).toBe(SECRET2);
    expect((await auditOf('UpdateSignInConnector')).at(-1)).toMatchObject({ outcome: 'success', detail: { signInConnector: { id: 'corp', changed: ['DisplayName', 'Secrets.clientSecret'] } } });

    // The same values again: nothing changes.
    const again = await root('UpdateSignInConnector', { Id: 'corp', DisplayName: 'Corporate SSO', Secrets: JSON.stringify({ clientSecret: SECRET2 }) });
    expect(again.status).toBe(200);
    expect((await auditOf('UpdateSignInConnector')).at(-1)).toMatchObject({ detail: { signInConnector: { changed: [] } } });

    await root('UpdateSignInConnector', { Id: 'corp', Enabled: false });
    expect(await within(1000, async () => (await r2.services.connectors.get('corp')) === null)).not.toBeNull();
    expect(one((await root('GetSignInConnector', { Id: 'corp' })).text, 'Enabled')).toBe('false');
    await root('UpdateSignInConnector', { Id: 'corp', Enabled: true });
    expect(await within(1000, async () => (await r2.services.connectors.get('corp')) !== null)).not.toBeNull();

    await root('CreateSignInConnector', oidcParams('short-lived'));
    expect(await within(1000, async () => (await r2.services.connectors.get('short-lived')) !== null)).not.toBeNull();
    const t0 = Date.now();
    expect((await root('DeleteSignInConnector', { Id: 'short-lived' }, r2.url)).status).toBe(200);
    expect(await within(1000, async () => (await t.services.connectors.get('short-lived')) === null)).not.toBeNull();
    expect(Date.now() - t0).toBeLessThan(1000);
    expect((await root('GetSignInConnector', { Id: 'short-lived' })).code).toBe('NoSuchEntity');
    expect((await root('DeleteSignInConnector', { Id: 'short-lived' })).code).toBe('NoSuchEntity');
    expect((await auditOf('DeleteSignInConnector')).map((e) => e.outcome)).toContain('success');
  });

  it('secrets moved onto another connector do not open: refused clearly, the others unharmed, repaired by setting them again', async () => {
    await root('CreateSignInConnector', oidcParams('victim', { Secrets: JSON.stringify({ clientSecret: SECRET2 }) }));
    // Copy corp's envelope onto victim (what a database-level attacker or a bad restore would do).
    await t.database.db.query(`UPDATE sign_in_connectors SET secrets_sealed = (SELECT secrets_sealed FROM sign_in_connectors WHERE id = 'corp') WHERE id = 'victim'`);
    t.services.connectors.clear();
    expect(await t.services.connectors.get('victim')).toBeNull();
    expect(await t.services.connectors.get('corp')).not.toBeNull();
    expect(logs.join('')).toContain(JSON.stringify({ connectorId: 'victim', accountId: acct, type: 'oidc', reason: new ConnectorSecretsError('victim').message }).slice(1, -1));
    const got = await root('GetSignInConnector', { Id: 'victim' });
    expect(tags(got.text, 'member')).toEqual([]);
    expect(one(got.text, 'SecretsError')).toBe('The sealed secrets do not open for this connector (copied from another connector or altered): set them again with UpdateSignInConnector.');
    // Without the secret, the factory refuses; with it, the connector works again.
    expect((await root('UpdateSignInConnector', { Id: 'victim', DisplayName: 'V' })).message).toBe('secrets.clientSecret is required');
    expect((await root('UpdateSignInConnector', { Id: 'victim', Secrets: JSON.stringify({ clientSecret: SECRET2 }) })).status).toBe(200);
    expect(await within(1000, async () => (await t.services.connectors.get('victim')) !== null)).not.toBeNull();
    expect(lastBuilt('victim')?.secrets).toEqual({ clientSecret: SECRET2 });
  });
});

// ─── tessera apply ─────────────────────────────────────────────────────────────────────────────
describe('tessera apply: signInConnectors', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tessera-apply-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('creates connectors from a document with secret references, then changes nothing, then converges a changed secret', async () => {
    const keyFile = join(dir, 'sp.key');
    await writeFile(keyFile, `${SAML_KEY}\n`);
    const env: Record<string, string> = { GIT_SECRET: SECRET };
    const resolve = { resolveSecret: (ref: Parameters<typeof resolveSecret>[0], name: string) => resolveSecret(ref, name, env) };
    const doc = parseApplyFile(
      JSON.stringify({
        oidcProviders: [{ url: 'https://gitops.example', clientIds: ['tessera-gitops'] }],
        signInConnectors: [
          { id: 'gitops-oidc', type: 'oidc', provider: 'https://gitops.example', displayName: 'GitOps', requireMfa: true, settings: { issuer: 'https://gitops.example', clientId: 'tessera-gitops' }, secrets: { clientSecret: { env: 'GIT_SECRET' } } },
          { id: 'gitops-saml', type: 'saml', provider: 'corpsaml', allowIdpInitiated: false, settings: { issuer: 'https://saml.corp.example', clientId: 'sp' }, secrets: { spPrivateKey: { file: keyFile } } },
        ],
      } satisfies ApplySpec),
    );
    const first = await applySpec(t.services, doc, resolve);
    expect(first.map((c) => `${c.kind}:${c.name}:${c.action}`)).toEqual(['oidc-provider:https://gitops.example:created', 'sign-in-connector:gitops-oidc:created', 'sign-in-connector:gitops-saml:created']);
    const row = (await t.services.store.signInConnectors.get(acct, 'gitops-saml'))!;
    expect(row.providerArn).toBe(samlArn);
    expect(openConnectorSecrets(t.services.masterKey, acct, 'gitops-saml', row.secretsSealed)).toEqual({ spPrivateKey: SAML_KEY });
    expect(await within(1000, async () => (await r2.services.connectors.get('gitops-oidc')) !== null)).not.toBeNull();

    const auditBefore = (await t.database.db.query(`SELECT count(*)::int AS n FROM audit_events`)).rows[0]!.n;
    const second = await applySpec(t.services, doc, resolve);
    expect(second.map((c) => c.action)).toEqual(['unchanged', 'unchanged', 'unchanged']);
    expect(second.every((c) => c.details === undefined)).toBe(true);
    // No change, no change event.
    expect((await t.database.db.query(`SELECT count(*)::int AS n FROM audit_events`)).rows[0]!.n).toBe(auditBefore);

    env.GIT_SECRET = SECRET2;
    const third = await applySpec(t.services, doc, resolve);
    expect(third.find((c) => c.name === 'gitops-oidc')).toEqual({ kind: 'sign-in-connector', name: 'gitops-oidc', action: 'updated', details: ['set secret clientSecret'] });
    expect(await within(1000, async () => (await r2.services.connectors.get('gitops-oidc')) !== null && lastBuilt('gitops-oidc')?.secrets.clientSecret === SECRET2)).not.toBeNull();
    const applied = (await auditOf('CreateSignInConnector')).filter((e) => e.user_agent === 'tessera-apply');
    expect(applied.map((e) => (e.detail.signInConnector as { id: string }).id)).toEqual(['gitops-oidc', 'gitops-saml']);
    expect((await auditOf('UpdateSignInConnector')).at(-1)).toMatchObject({ user_agent: 'tessera-apply', detail: { via: 'tessera apply', signInConnector: { changed: ['Secrets.clientSecret'] } } });

    // Connectors not in the document are left alone (as users and roles are).
    await applySpec(t.services, { signInConnectors: [] }, resolve);
    expect(await t.services.store.signInConnectors.get(acct, 'gitops-saml')).not.toBeNull();
  });

  it('refuses secret values written in the document, unresolvable references, a type change, and the factory\'s refusals', async () => {
    const base = { id: 'gitops-oidc', type: 'oidc', provider: 'https://gitops.example', settings: { issuer: 'https://gitops.example', clientId: 'c' } };
    expect(() => parseApplyFile(JSON.stringify({ signInConnectors: [{ ...base, secrets: { clientSecret: SECRET2 } }] }))).toThrow(
      'signInConnectors[0].secrets.clientSecret must be a reference, { "env": VAR } or { "file": PATH }; secret values are never written in the document',
    );
    expect(() => parseApplyFile(JSON.stringify({ signInConnectors: [{ ...base, clientSecret: { env: 'X' } }] }))).toThrow('signInConnectors[0]: unknown key "clientSecret"');
    expect(() => parseApplyFile(JSON.stringify({ signInConnectors: [{ id: 'x', type: 'oidc' }] }))).toThrow('signInConnectors[0].provider is required');
    const resolve = { resolveSecret: (ref: Parameters<typeof resolveSecret>[0], name: string) => resolveSecret(ref, name, {}) };
    await expect(applySpec(t.services, { signInConnectors: [{ ...base, type: 'oidc', secrets: { clientSecret: { env: 'MISSING_VAR' } } }] }, resolve)).rejects.toThrow(
      'secret clientSecret: the environment variable MISSING_VAR is not set',
    );
    await expect(applySpec(t.services, { signInConnectors: [{ ...base, type: 'oidc', secrets: { clientSecret: { file: join(dir, 'nope') } } }] }, resolve)).rejects.toThrow(
      `secret clientSecret: cannot read ${join(dir, 'nope')} (ENOENT)`,
    );
    await expect(applySpec(t.services, { signInConnectors: [{ ...base, type: 'saml', provider: 'corpsaml' }] }, resolve)).rejects.toThrow(
      'sign-in connector gitops-oidc: it is of type oidc; a type never changes (delete it, then apply)',
    );
    await expect(applySpec(t.services, { signInConnectors: [{ ...base, id: 'gitops-new', type: 'oidc', settings: { issuer: 'nope', clientId: 'c' } }] }, resolve)).rejects.toThrow(
      'sign-in connector gitops-new: ValidationError: settings.issuer must be an http(s) URL',
    );
  });
});

// Last: everything above answered, logged and audited without a secret value.
describe('secrets never leave the seal', () => {
  it('appear in no response, log line, audit event or invalidation message', async () => {
    await t.services.audit.flush();
    const audit = (await t.database.db.query<{ s: string }>(`SELECT coalesce(string_agg(row_to_json(a)::text, ''), '') AS s FROM audit_events a`)).rows[0]!.s;
    const outbox = (await t.database.db.query<{ s: string }>(`SELECT coalesce(string_agg(message::text, ''), '') AS s FROM invalidation_outbox`)).rows[0]!.s;
    expect(responses.length).toBeGreaterThan(25);
    expect(logs.length).toBeGreaterThan(0);
    expect(audit).toContain('SignInConnector');
    for (const secret of [SECRET, SECRET2, SAML_KEY]) {
      for (const [where, text] of [
        ['responses', responses.join('\n')],
        ['logs', logs.join('')],
        ['audit', audit],
        ['outbox', outbox],
      ] as const) {
        expect(text.includes(secret), `${where} contains a secret`).toBe(false);
      }
    }
  });
});
