import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignatureV4 } from '@smithy/signature-v4';
import { CreateOpenIDConnectProviderCommand } from '@aws-sdk/client-iam';
import { startTestTessera, type TestTessera } from '../support/tessera.js';
import { iamClient } from '../support/clients.js';
import { Sha256 } from '../support/sha256.js';
import type { ConnectorFactory, SignInConnector } from '../../src/federation/connector.js';
import { SignInConfigError } from '../../src/federation/sign-in-errors.js';
import { applySpec, ApplyError } from '../../src/iam/gitops/apply.js';

/**
 * Review of issue 11 (connector configuration): Settings is hostile input from an IAM caller.
 * JSON escapes reach what the wire's U+0000 check cannot see (`\u0000`, a lone `\ud800`), which
 * Postgres jsonb refuses, and a 64 KB member nests 30,000 deep, which overflows the stack of
 * JSON.stringify and of Update's comparison. Each must be a clear ValidationError (400), never a
 * 500 — through the admin actions and through `tessera apply`.
 */
const factory: ConnectorFactory = {
  type: 'oidc',
  secretNames: ['clientSecret'],
  validate(cfg) {
    if (typeof cfg.settings.issuer !== 'string') throw new SignInConfigError('settings.issuer is required');
  },
  create(cfg): SignInConnector {
    return {
      id: cfg.id,
      type: cfg.type,
      displayName: cfg.displayName,
      capabilities: ['redirect'],
      requireMfa: false,
      login: {
        stateParam: { in: 'query', name: 'state' },
        beginLogin: async () => ({ redirectUrl: 'https://idp.example/authorize', remember: {} }),
        completeLogin: async () => {
          throw new Error('signs nobody in');
        },
      },
    };
  },
};
let t: TestTessera;
let provider: string;

async function query(action: string, params: Record<string, string>) {
  const signer = new SignatureV4({ credentials: t.root, region: 'us-east-1', service: 'iam', sha256: Sha256 as never });
  const u = new URL(t.url);
  const body = new URLSearchParams({ Action: action, Version: '2010-05-08', ...params }).toString();
  const signed = await signer.sign({ method: 'POST', protocol: 'http:', hostname: u.hostname, port: Number(u.port), path: '/', headers: { host: u.host, 'content-type': 'application/x-www-form-urlencoded' }, body });
  const r = await fetch(t.url, { method: 'POST', headers: signed.headers as Record<string, string>, body });
  const text = await r.text();
  return { status: r.status, code: /<Code>([^<]*)<\/Code>/.exec(text)?.[1], message: /<Message>([^<]*)<\/Message>/.exec(text)?.[1] };
}

beforeAll(async () => {
  t = await startTestTessera({ connectorFactories: [factory] });
  provider = (await iamClient(t, t.root).send(new CreateOpenIDConnectProviderCommand({ Url: 'https://idp.example', ClientIDList: ['a'], ThumbprintList: ['a'.repeat(40)] }))).OpenIDConnectProviderArn!;
}, 60_000);
afterAll(async () => t?.stop());

const nested = (n: number, open: string, close: string) => `{"issuer":"https://i","a":${open.repeat(n)}1${close.repeat(n)}}`;
const HOSTILE: [string, string, string][] = [
  ['U+0000 in a value', '{"issuer":"https://i","x":"a\\u0000b"}', 'Settings must not contain U+0000 or an unpaired surrogate (\\uD800-\\uDFFF).'],
  ['U+0000 in a key', '{"issuer":"https://i","a\\u0000":"b"}', 'Settings must not contain U+0000 or an unpaired surrogate (\\uD800-\\uDFFF).'],
  ['a lone surrogate', '{"issuer":"https://i","x":["\\ud800"]}', 'Settings must not contain U+0000 or an unpaired surrogate (\\uD800-\\uDFFF).'],
  ['arrays 30,000 deep', nested(30_000, '[', ']'), 'Settings must not nest deeper than 16 levels.'],
  ['arrays 5,000 deep', nested(5_000, '[', ']'), 'Settings must not nest deeper than 16 levels.'],
  ['objects 10,000 deep', nested(10_000, '{"a":', '}'), 'Settings must not nest deeper than 16 levels.'],
  ['a number beyond double', '{"issuer":"https://i","x":1e400}', 'Settings must hold finite numbers only.'],
];

describe('hostile connector Settings', () => {
  it('Create and Update answer ValidationError, never InternalFailure', async () => {
    expect((await query('CreateSignInConnector', { Id: 'base', Type: 'oidc', ProviderArn: provider, Settings: '{"issuer":"https://i"}' })).status).toBe(200);
    for (const [i, [what, settings, message]] of HOSTILE.entries()) {
      const created = await query('CreateSignInConnector', { Id: `h${i}`, Type: 'oidc', ProviderArn: provider, Settings: settings });
      expect([what, created.status, created.code, created.message]).toEqual([what, 400, 'ValidationError', message]);
      const updated = await query('UpdateSignInConnector', { Id: 'base', Settings: settings });
      expect([what, updated.status, updated.code, updated.message]).toEqual([what, 400, 'ValidationError', message]);
    }
    // Within the bounds: 16 levels, characters in pairs, stored and compared as given.
    const fine = JSON.stringify({ issuer: 'https://i', deep: JSON.parse(nested(14, '[', ']')).a, emoji: '\u{1F511}' });
    expect((await query('UpdateSignInConnector', { Id: 'base', Settings: fine })).status).toBe(200);
    expect((await query('UpdateSignInConnector', { Id: 'base', Settings: fine })).status).toBe(200);
    expect((await t.services.store.signInConnectors.get(t.accountId, 'base'))!.settings).toEqual(JSON.parse(fine));
  }, 60_000);

  it('tessera apply refuses them with the same message (an ApplyError, not a crash)', async () => {
    const depth = 'Settings must not nest deeper than 16 levels.';
    // (A document's 1e400 is already Infinity, written as null, before apply sees it: not a case here.)
    const cases = [...HOSTILE.filter(([w]) => !w.includes('deep') && !w.includes('number')), ['objects 20 deep', nested(20, '{"a":', '}'), depth], HOSTILE[3]!] as [string, string, string][];
    for (const [what, settings, message] of cases) {
      const spec = { signInConnectors: [{ id: 'from-apply', type: 'oidc' as const, provider, settings: JSON.parse(settings) as Record<string, unknown> }] };
      const e = await applySpec(t.services, spec).then(
        () => null,
        (x: unknown) => x,
      );
      // Nesting JSON.stringify cannot write is refused by apply itself, before any call.
      const want = what === 'arrays 30,000 deep' ? 'settings nest too deeply to be written as JSON' : `ValidationError: ${message}`;
      expect([what, e instanceof ApplyError, (e as Error).message]).toEqual([what, true, `sign-in connector from-apply: ${want}`]);
    }
  }, 60_000);
});
