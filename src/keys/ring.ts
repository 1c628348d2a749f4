import { createPrivateKey, createPublicKey, generateKeyPair, hkdfSync, randomBytes, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import { open, seal } from './envelope.js';
import type { Db } from '../store/db.js';
import { keyRing, type KeyPurpose } from '../store/keys.js';
import { Errors } from '../errors/index.js';

/**
 * Tessera's rotating key ring (table sts_keys, migration 0005), shared by every replica.
 *
 * Purposes:
 * - `session`: 32 random bytes; sub-keys derived with HKDF seal session tokens
 *   (`subkey(k, 'token')`), derive temporary secrets (`'secret'`) and seal encoded
 *   authorization messages (`'authz'`). Signs new tokens for ROTATE.session, then verifies
 *   for the longest credential lifetime (36 h) more.
 * - `jwt-RS256` / `jwt-ES384`: asymmetric keys for GetWebIdentityToken; public halves served
 *   at /.well-known/jwks.json until every token they signed has expired.
 *
 * Rotation: `current(purpose, now)` returns the newest key whose window holds `now`; when none
 * does (first use, or the last one retired) it creates one inside a transaction holding a
 * Postgres advisory lock, re-reading first, so many replicas racing create exactly one. Other
 * replicas pick new keys up when they meet an unknown key id (`byId` reloads, at most once a
 * second) and every RELOAD_MS anyway. A new key activates at once; replicas that have not
 * reloaded yet keep signing with the previous key, which still verifies everywhere, so nothing
 * breaks during the overlap.
 */
export type { KeyPurpose } from '../store/keys.js';

export interface RingKey {
  id: number;
  kid: string;
  purpose: KeyPurpose;
  /** session: 32 bytes; jwt-*: PKCS#8 DER private key. */
  material: Buffer;
  publicJwk: Record<string, unknown> | undefined;
  activatesAt: Date;
  retiresAt: Date;
  expiresAt: Date;
}

const HOUR = 3600_000;
/** How long a key signs new tokens. */
export const ROTATE_MS: Record<KeyPurpose, number> = { session: 24 * HOUR, 'jwt-RS256': 7 * 24 * HOUR, 'jwt-ES384': 7 * 24 * HOUR };
/** How long after retiring it still verifies: the longest lifetime of what it signed, plus slack. */
export const RETAIN_MS: Record<KeyPurpose, number> = { session: 36 * HOUR + HOUR, 'jwt-RS256': 2 * HOUR, 'jwt-ES384': 2 * HOUR };
const RELOAD_MS = 5 * 60_000;
const MISS_RELOAD_MS = 1000;

const genPair = promisify(generateKeyPair);

export class KeyRing {
  private keys = new Map<number, RingKey>();
  private loadedAt = -Infinity;
  private loading: Promise<void> | undefined;
  private lastMissReload = -Infinity;
  private readonly subkeys = new Map<string, Buffer>();
  private readonly privateKeys = new Map<number, KeyObject>();
  /** kids of live rows this replica cannot open (wrong master key, damaged row): skipped, reported by `problem()`. */
  private unopenable = new Set<string>();

  /** Random bytes for key material and key ids (services.random; node:crypto by default). */
  private readonly randomBytes: (n: number) => Buffer;

  constructor(
    private readonly db: Db,
    private readonly masterKey: Buffer,
    opts: { random?: { bytes(n: number): Buffer } } = {},
  ) {
    this.randomBytes = opts.random ? (n) => opts.random!.bytes(n) : randomBytes;
  }

  /**
   * Synchronous `current()` for the hot path: the live key when the ring is loaded and fresh,
   * else undefined (then await `current()`, which reloads or rotates).
   */
  currentIfLoaded(purpose: KeyPurpose, now: Date): RingKey | undefined {
    if (Date.now() - this.loadedAt >= RELOAD_MS) return undefined;
    return this.pick(purpose, now);
  }

  /** The key that signs new tokens of this purpose at `now`, creating one if none is live. */
  async current(purpose: KeyPurpose, now: Date): Promise<RingKey> {
    await this.ensureLoaded(now);
    const live = this.pick(purpose, now);
    if (live) return live;
    await this.rotate(purpose, now);
    const k = this.pick(purpose, now);
    // The live key exists but this replica cannot open it: unavailable here, not a 500.
    if (!k) throw Errors.serviceUnavailable(new Error(`key ring: cannot open the live ${purpose} key (${[...this.unopenable].join(', ')})`));
    return k;
  }

  /**
   * Why this replica cannot use its keys, or undefined: rows it cannot open (readiness). Reloads
   * when stale.
   */
  async problem(now: Date): Promise<string | undefined> {
    await this.ensureLoaded(now);
    if (this.unopenable.size === 0) return undefined;
    return `cannot open ${this.unopenable.size} key-ring key(s) (${[...this.unopenable].join(', ')}): sealed under another master key`;
  }

  /** A key by its numeric id, for verification; reloads once (rate-limited) on a miss. */
  async byId(id: number, now: Date): Promise<RingKey | undefined> {
    await this.ensureLoaded(now);
    let k = this.keys.get(id);
    if (!k && Date.now() - this.lastMissReload >= MISS_RELOAD_MS) {
      this.lastMissReload = Date.now();
      await this.reload(now);
      k = this.keys.get(id);
    }
    return k && k.expiresAt.getTime() > now.getTime() ? k : undefined;
  }

  /** Synchronous lookup of an already-loaded key (hot path); undefined when not loaded. */
  peek(id: number): RingKey | undefined {
    return this.keys.get(id);
  }

  /** Every key of a purpose that still verifies at `now` (JWKS). */
  async verificationKeys(purpose: KeyPurpose, now: Date): Promise<RingKey[]> {
    await this.ensureLoaded(now);
    return [...this.keys.values()].filter((k) => k.purpose === purpose && k.expiresAt.getTime() > now.getTime());
  }

  /** HKDF-SHA256 sub-key of a session key for one use ('token', 'secret', 'authz'). */
  subkey(key: RingKey, use: string): Buffer {
    const name = `${key.id}:${use}`;
    let k = this.subkeys.get(name);
    if (!k) {
      k = Buffer.from(hkdfSync('sha256', key.material, Buffer.from(key.kid), Buffer.from(`tessera ${use}`), 32));
      this.subkeys.set(name, k);
    }
    return k;
  }

  /** The private KeyObject of an asymmetric key. */
  privateKey(key: RingKey): KeyObject {
    let k = this.privateKeys.get(key.id);
    if (!k) {
      k = createPrivateKey({ key: key.material, format: 'der', type: 'pkcs8' });
      this.privateKeys.set(key.id, k);
    }
    return k;
  }

  async reload(now: Date): Promise<void> {
    const rows = await keyRing.unexpired(this.db, now);
    const next = new Map<number, RingKey>();
    const unopenable = new Set<string>();
    for (const row of rows) {
      const known = this.keys.get(row.id);
      if (known) {
        next.set(row.id, known);
        continue;
      }
      let material: Buffer;
      try {
        material = open(this.masterKey, row.materialSealed, row.kid);
      } catch {
        // One row that does not open (sealed under another master key) must not take the whole
        // ring down: skip it; readiness reports it (problem()).
        unopenable.add(row.kid);
        continue;
      }
      const { materialSealed: _sealed, ...key } = row;
      next.set(row.id, { ...key, material });
    }
    this.keys = next;
    this.unopenable = unopenable;
    this.loadedAt = Date.now();
  }

  private async ensureLoaded(now: Date): Promise<void> {
    if (Date.now() - this.loadedAt < RELOAD_MS) return;
    this.loading ??= this.reload(now).finally(() => {
      this.loading = undefined;
    });
    await this.loading;
  }

  private pick(purpose: KeyPurpose, now: Date): RingKey | undefined {
    const t = now.getTime();
    let best: RingKey | undefined;
    for (const k of this.keys.values()) {
      if (k.purpose !== purpose || k.activatesAt.getTime() > t || k.retiresAt.getTime() <= t) continue;
      if (!best || k.activatesAt.getTime() > best.activatesAt.getTime() || (k.activatesAt.getTime() === best.activatesAt.getTime() && k.id > best.id)) best = k;
    }
    return best;
  }

  private async rotate(purpose: KeyPurpose, now: Date): Promise<void> {
    const material = await newMaterial(purpose, this.randomBytes);
    await keyRing.createIfNoneLive(this.db, purpose, now, () => {
      const kid = `${purpose === 'session' ? 's' : purpose === 'jwt-RS256' ? 'r' : 'e'}-${base32(this.randomBytes(16)).toLowerCase()}`;
      const retiresAt = new Date(now.getTime() + ROTATE_MS[purpose]);
      const expiresAt = new Date(retiresAt.getTime() + RETAIN_MS[purpose]);
      const publicJwk = material.publicJwk ? { ...material.publicJwk, kid, use: 'sig', alg: purpose.slice(4) } : undefined;
      return { kid, purpose, materialSealed: seal(this.masterKey, material.secret, kid), publicJwk, activatesAt: now, retiresAt, expiresAt };
    });
    await this.reload(now);
  }
}

const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
/** One base32 character per byte (its low 5 bits), as tokens/ids.ts's base32Random. */
const base32 = (bytes: Buffer): string => {
  let s = '';
  for (const b of bytes) s += B32[b & 31];
  return s;
};

async function newMaterial(purpose: KeyPurpose, random: (n: number) => Buffer): Promise<{ secret: Buffer; publicJwk?: Record<string, unknown> }> {
  // Asymmetric keys come from OpenSSL's own generator (node:crypto offers no injectable source).
  if (purpose === 'session') return { secret: random(32) };
  const { privateKey } =
    purpose === 'jwt-RS256'
      ? await genPair('rsa', { modulusLength: 2048 })
      : await genPair('ec', { namedCurve: 'P-384' });
  const secret = privateKey.export({ format: 'der', type: 'pkcs8' }) as Buffer;
  const publicJwk = createPublicKey(privateKey).export({ format: 'jwk' }) as Record<string, unknown>;
  return { secret, publicJwk };
}
