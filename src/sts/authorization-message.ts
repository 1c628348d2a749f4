import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { AwsError, Errors } from '../errors/index.js';
import type { Services } from '../services.js';

/**
 * Encoded authorization failure messages (the `detail` authorize() attaches to AccessDenied):
 * sealed with AES-256-GCM under the current session key's 'authz' sub-key, so only Tessera can
 * read them, and only for a caller of the same account allowed sts:DecodeAuthorizationMessage
 * (DecodeAuthorizationMessage). The decoded JSON follows AWS's documented shape:
 *   { allowed, explicitDeny, matchedStatements: { items: [...] }, failures: { items: [] },
 *     context: { principal: { id, arn }, action, resource, conditions: { items: [{ key, values: { items: [{ value }] } }] } } }
 * Wire form: base64url( keyId(uint32 BE) | iv(12) | tag(16) | AES-GCM(deflateRaw(JSON)) ).
 */
interface Detail {
  decision?: unknown;
  action?: unknown;
  resource?: unknown;
  principal?: { id?: unknown; arn?: unknown };
  matched?: unknown;
  context?: Record<string, unknown>;
}

const AAD = 'tessera authorization message';
export const ENCODED_MARKER = 'Encoded authorization failure message: ';

function decodedShape(d: Detail): Record<string, unknown> {
  const values = (v: unknown) => ({ items: (Array.isArray(v) ? v : [v]).map((x) => ({ value: String(x) })) });
  const matched = Array.isArray(d.matched) ? (d.matched as Record<string, unknown>[]) : [];
  return {
    allowed: d.decision === 'allowed',
    explicitDeny: d.decision === 'explicitDeny',
    matchedStatements: {
      items: matched.map((m) => ({
        statementId: m.sid ?? '',
        effect: String(m.effect ?? '').toUpperCase(),
        policyId: m.policyId,
        policyType: m.sourceType ?? m.policyKind,
        statementIndex: m.statementIndex,
        position: m.start,
      })),
    },
    failures: { items: [] },
    context: {
      principal: { id: d.principal?.id, arn: d.principal?.arn },
      action: d.action,
      resource: d.resource,
      conditions: { items: Object.entries(d.context ?? {}).map(([key, v]) => ({ key, values: values(v) })) },
    },
  };
}

export async function encodeAuthorizationMessage(services: Services, accountId: string, detail: Detail, now: Date): Promise<string> {
  const key = await services.keys.current('session', now);
  const head = Buffer.alloc(4);
  head.writeUInt32BE(key.id);
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', services.keys.subkey(key, 'authz'), iv);
  c.setAAD(Buffer.from(AAD));
  const body = deflateRawSync(Buffer.from(JSON.stringify({ a: accountId, m: decodedShape(detail) })));
  const ct = Buffer.concat([c.update(body), c.final()]);
  return Buffer.concat([head, iv, c.getAuthTag(), ct]).toString('base64url');
}

/** The decoded JSON text, or InvalidAuthorizationMessageException. */
export async function decodeAuthorizationMessage(services: Services, accountId: string, encoded: string, now: Date): Promise<string> {
  const bad = () => Errors.invalidAuthorizationMessage('The specified authorization message is invalid.');
  if (!/^[A-Za-z0-9_-]+$/.test(encoded)) throw bad();
  const raw = Buffer.from(encoded, 'base64url');
  if (raw.length < 4 + 12 + 16 + 1) throw bad();
  const key = await services.keys.byId(raw.readUInt32BE(0), now);
  if (!key || key.purpose !== 'session') throw bad();
  let parsed: { a?: unknown; m?: unknown };
  try {
    const d = createDecipheriv('aes-256-gcm', services.keys.subkey(key, 'authz'), raw.subarray(4, 16));
    d.setAAD(Buffer.from(AAD));
    d.setAuthTag(raw.subarray(16, 32));
    const plain = Buffer.concat([d.update(raw.subarray(32)), d.final()]);
    parsed = JSON.parse(inflateRawSync(plain, { maxOutputLength: 1 << 20 }).toString('utf8')) as { a?: unknown; m?: unknown };
  } catch {
    throw bad();
  }
  if (parsed.a !== accountId) throw bad();
  return JSON.stringify(parsed.m);
}

/**
 * For the Query adapter: an AccessDenied carrying authorize()'s decision gets the encoded
 * message appended, as AWS does ("… Encoded authorization failure message: <msg>").
 */
export async function withEncodedMessage(services: Services, e: AwsError, accountId: string | undefined, now: Date): Promise<AwsError> {
  const d = e.detail as Detail | undefined;
  if (e.code !== 'AccessDenied' || !d || typeof d.action !== 'string' || d.decision === undefined || !accountId) return e;
  try {
    const enc = await encodeAuthorizationMessage(services, accountId, d, now);
    const base = e.message.replace(/\.?$/, '.');
    return Errors.withMessage(e, `${base} ${ENCODED_MARKER}${enc}`, d as Record<string, unknown>);
  } catch {
    return e;
  }
}
