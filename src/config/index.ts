import { availableParallelism } from 'node:os';
import { z } from 'zod';

/** A failed-attempt lock policy (throttle/attempts.ts applies it). */
export interface LockPolicy {
  /** Counted failures within the window that lock the subject (≥ 1). */
  maxFailures: number;
  /** The counting window in seconds; it starts at the window's first counted attempt. */
  windowSeconds: number;
  /** The first lock's duration in seconds. */
  lockSeconds: number;
  /** Cap for the doubled duration of repeated locks (≥ lockSeconds; equal: no doubling). */
  maxLockSeconds: number;
}

/**
 * Tessera's configuration: one schema, parsed once at boot from the environment, passed as a
 * typed object. Nothing else reads process.env. Every key is documented here and in README.md.
 */
const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', ''])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const accountId = z.string().regex(/^\d{12}$/, 'must be 12 digits');

export const configSchema = z
  .object({
    /** TCP port to listen on. Default 8080. */
    PORT: z.coerce.number().int().min(0).max(65535).default(8080),
    /** Interface to bind. Default 0.0.0.0 (all interfaces). */
    HOST: z.string().min(1).default('0.0.0.0'),
    /** Postgres connection string. When absent, an embedded PostgreSQL runs in TESSERA_DATA_DIR (single-node dev mode). */
    DATABASE_URL: z.string().url().optional(),
    /** Max connections in the Postgres pool. Default 10. */
    DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(500).default(10),
    /** Redis connection string. When absent, an in-process cache is used (single node only). */
    REDIS_URL: z.string().url().optional(),
    /** Folder for the embedded database and the generated master key. Default ./.tessera */
    TESSERA_DATA_DIR: z.string().min(1).default('./.tessera'),
    /** The externally visible base URL (issuer of tokens, SAML SP ids). Default http://localhost:PORT */
    TESSERA_PUBLIC_URL: z.string().url().optional(),
    /** Access key id of the root account's admin key, seeded on first boot (AKIA + 16 chars). */
    TESSERA_ROOT_ACCESS_KEY_ID: z.string().regex(/^AKIA[A-Z2-7]{16}$/, 'must be AKIA followed by 16 characters A-Z, 2-7').optional(),
    /** Secret of the root admin key, seeded on first boot (40 characters). */
    TESSERA_ROOT_SECRET_ACCESS_KEY: z.string().min(20).max(128).optional(),
    /** The root account id (12 digits). Generated on first boot when absent. */
    TESSERA_ACCOUNT_ID: accountId.optional(),
    /** Key-encryption key, 32 bytes base64 (or 64 hex chars). Generated into the data folder in embedded mode; required otherwise. */
    TESSERA_MASTER_KEY: z.string().optional(),
    /** `tessera rotate-master-key` only: the key to re-wrap every sealed value under (same format as TESSERA_MASTER_KEY). */
    TESSERA_NEW_MASTER_KEY: z.string().optional(),
    /** ARN partition. Default aws. */
    TESSERA_PARTITION: z.string().regex(/^[a-z][a-z0-9-]{1,30}$/).default('aws'),
    /** Allow http:// OIDC issuers on loopback addresses. Dev/test only. Default false. */
    TESSERA_ALLOW_INSECURE_ISSUERS: bool.default(false),
    /** SAML service-provider entity id: the Audience IdPs must put in assertions for AssumeRoleWithSAML. Default `${TESSERA_PUBLIC_URL}/saml`. */
    TESSERA_SAML_SP_ENTITY_ID: z.string().min(1).max(1024).optional(),
    /** SAML assertion consumer URL: the Recipient/Destination IdPs must use. Default `${TESSERA_PUBLIC_URL}/saml`. */
    TESSERA_SAML_ACS_URL: z.string().url().optional(),
    /** Also accept AWS's own SP values (Audience `urn:amazon:webservices` / `https://signin.aws.amazon.com/saml`, Recipient `https://signin.aws.amazon.com/saml`), so IdPs set up for AWS work unchanged. Default false. */
    TESSERA_SAML_ACCEPT_AWS_SP: bool.default(false),
    /** Region names accepted in SigV4 credential scopes besides AWS's own (comma-separated, lower case, e.g. `onprem-1,lab-east-2`). Default none. */
    TESSERA_EXTRA_REGIONS: z
      .string()
      .transform((v) => v.split(',').map((r) => r.trim()).filter((r) => r !== ''))
      .pipe(z.array(z.string().max(64).regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'each region must be lower-case letters and digits in dash-separated groups, e.g. onprem-1')).max(100))
      .default([]),
    /** Trust X-Forwarded-For from this many proxy hops for aws:SourceIp. Default 0. */
    TESSERA_TRUST_PROXY_HOPS: z.coerce.number().int().min(0).max(10).default(0),
    /** Maximum request body in bytes. Default 1 MiB (SAML responses are up to 100,000 chars). */
    TESSERA_MAX_BODY_BYTES: z.coerce.number().int().min(1024).max(64 * 1024 * 1024).default(1024 * 1024),
    /** `serve` processes sharing the port (node:cluster): a number, or `auto` = one per CPU core. Above 1 needs DATABASE_URL and REDIS_URL. Default 1. */
    TESSERA_WORKERS: z.union([z.literal('auto'), z.coerce.number().int().min(1).max(64)]).default(1),
    /** Seconds to wait for in-flight requests on SIGTERM before closing. Default 25. */
    TESSERA_SHUTDOWN_GRACE_SECONDS: z.coerce.number().int().min(0).max(600).default(25),
    /** Apply pending migrations when `serve` starts. Default true in embedded mode, false with DATABASE_URL (run `tessera migrate`). */
    TESSERA_AUTO_MIGRATE: bool.optional(),
    /** Wrong MFA codes for one device, within TESSERA_MFA_DEVICE_WINDOW_SECONDS, that lock the device. Default 5. */
    TESSERA_MFA_DEVICE_MAX_FAILURES: z.coerce.number().int().min(1).max(1000).default(5),
    /** The device's counting window in seconds (starts at its first wrong code). Default 300. */
    TESSERA_MFA_DEVICE_WINDOW_SECONDS: z.coerce.number().int().min(1).max(86_400).default(300),
    /** How long a device's first lock lasts, in seconds. Default 900. */
    TESSERA_MFA_DEVICE_LOCK_SECONDS: z.coerce.number().int().min(1).max(86_400).default(900),
    /** Wrong MFA codes for one user (all their devices), within TESSERA_MFA_USER_WINDOW_SECONDS, that lock MFA for the user. Default 20. */
    TESSERA_MFA_USER_MAX_FAILURES: z.coerce.number().int().min(1).max(10_000).default(20),
    /** The user's counting window in seconds. Default 900. */
    TESSERA_MFA_USER_WINDOW_SECONDS: z.coerce.number().int().min(1).max(86_400).default(900),
    /** How long a user's first MFA lock lasts, in seconds. Default 900. */
    TESSERA_MFA_USER_LOCK_SECONDS: z.coerce.number().int().min(1).max(86_400).default(900),
    /** Each further lock within a day of the previous one lasts twice as long, up to this many seconds (≥ both lock durations; equal: no doubling). Default 14400. */
    TESSERA_MFA_MAX_LOCK_SECONDS: z.coerce.number().int().min(1).max(7 * 86_400).default(14_400),
    /** A login session (people signed in in a browser) ends after this many seconds without a request. Default 3600. */
    TESSERA_SIGNIN_IDLE_SECONDS: z.coerce.number().int().min(60).max(7 * 86_400).default(3600),
    /** A login session ends this many seconds after sign-in, however active. Default 43200 (12 h). */
    TESSERA_SIGNIN_MAX_SECONDS: z.coerce.number().int().min(60).max(30 * 86_400).default(43_200),
    /** Wrong passwords or sign-in MFA codes for one identity, within TESSERA_SIGNIN_WINDOW_SECONDS, that lock its sign-in. Default 5. */
    TESSERA_SIGNIN_MAX_FAILURES: z.coerce.number().int().min(1).max(1000).default(5),
    /** Wrong passwords or codes from one source address, within the window, that lock sign-in from it. Default 50. */
    TESSERA_SIGNIN_ADDRESS_MAX_FAILURES: z.coerce.number().int().min(1).max(100_000).default(50),
    /** The sign-in counting window in seconds (starts at the first wrong attempt). Default 900. */
    TESSERA_SIGNIN_WINDOW_SECONDS: z.coerce.number().int().min(1).max(86_400).default(900),
    /** How long a first sign-in lock lasts, in seconds (doubling on repeats up to TESSERA_MFA_MAX_LOCK_SECONDS). Default 900. */
    TESSERA_SIGNIN_LOCK_SECONDS: z.coerce.number().int().min(1).max(86_400).default(900),
    /**
     * Every federated sign-in needs a second factor: the IdP's own (OIDC amr, SAML AuthnContext) or
     * Tessera's TOTP step, enrolled at first sign-in — as a connector's requireMfa does for its own
     * sign-ins. IAM users (local sign-in) use their IAM virtual MFA device. Default false.
     */
    TESSERA_SIGNIN_REQUIRE_MFA: bool.default(false),
    /** Sign-ins one source address (IPv6: its /64) may start per minute (each writes flow state; a SAML start may sign). Default 60. */
    TESSERA_SIGNIN_STARTS_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(60),
    /** pino level: fatal, error, warn, info, debug, trace, silent. Default info. */
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  });

export type RawConfig = z.infer<typeof configSchema>;

/** Rules across keys, checked on the raw values so they are reported with every other problem. */
function crossKeyProblems(raw: Record<string, string>): string[] {
  const out: string[] = [];
  const id = raw.TESSERA_ROOT_ACCESS_KEY_ID;
  const secret = raw.TESSERA_ROOT_SECRET_ACCESS_KEY;
  if ((id === undefined) !== (secret === undefined)) {
    out.push(`${id === undefined ? 'TESSERA_ROOT_ACCESS_KEY_ID' : 'TESSERA_ROOT_SECRET_ACCESS_KEY'}: TESSERA_ROOT_ACCESS_KEY_ID and TESSERA_ROOT_SECRET_ACCESS_KEY must be set together`);
  }
  if (/^\d+$/.test(raw.TESSERA_WORKERS ?? '') && Number(raw.TESSERA_WORKERS) > 1 && (raw.DATABASE_URL === undefined || raw.REDIS_URL === undefined)) {
    out.push('TESSERA_WORKERS: more than one worker needs DATABASE_URL and REDIS_URL (workers share the database and the cache invalidations)');
  }
  if (raw.DATABASE_URL !== undefined && raw.TESSERA_MASTER_KEY === undefined) {
    out.push('TESSERA_MASTER_KEY: required when DATABASE_URL is set');
  }
  if (raw.TESSERA_MASTER_KEY !== undefined && parseMasterKey(raw.TESSERA_MASTER_KEY) === null) {
    out.push('TESSERA_MASTER_KEY: must be 32 bytes, base64 or hex encoded');
  }
  if (raw.TESSERA_NEW_MASTER_KEY !== undefined && parseMasterKey(raw.TESSERA_NEW_MASTER_KEY) === null) {
    out.push('TESSERA_NEW_MASTER_KEY: must be 32 bytes, base64 or hex encoded');
  }
  return out;
}

export interface Config {
  port: number;
  host: string;
  databaseUrl: string | undefined;
  databasePoolSize: number;
  redisUrl: string | undefined;
  dataDir: string;
  publicUrl: string;
  rootAccessKeyId: string | undefined;
  rootSecretAccessKey: string | undefined;
  accountId: string | undefined;
  masterKey: Buffer | undefined;
  /** TESSERA_NEW_MASTER_KEY (rotate-master-key only). */
  newMasterKey: Buffer | undefined;
  partition: string;
  allowInsecureIssuers: boolean;
  /** Regions accepted in SigV4 credential scopes besides AWS's (TESSERA_EXTRA_REGIONS). */
  extraRegions: string[];
  /** SAML SP values for AssumeRoleWithSAML (see TESSERA_SAML_*). */
  saml: { spEntityId: string; acsUrl: string; acceptAwsSp: boolean };
  trustProxyHops: number;
  maxBodyBytes: number;
  shutdownGraceSeconds: number;
  /** `serve` worker processes (TESSERA_WORKERS, `auto` resolved; 1 without DATABASE_URL and REDIS_URL). */
  workers: number;
  autoMigrate: boolean;
  logLevel: RawConfig['LOG_LEVEL'];
  /** Wrong-MFA-code lockout policies (TESSERA_MFA_*): per device and per user. */
  mfaThrottle: { device: LockPolicy; user: LockPolicy };
  /** People signing in (TESSERA_SIGNIN_*): login-session timeouts and the wrong-password/code lockouts. */
  signIn: {
    idleSeconds: number;
    maxSeconds: number;
    identity: LockPolicy;
    address: LockPolicy;
    /** TESSERA_SIGNIN_REQUIRE_MFA: a second factor for every federated sign-in. */
    requireMfa: boolean;
    /** TESSERA_SIGNIN_STARTS_PER_MINUTE: sign-ins one address may start per minute. */
    startsPerMinute: number;
    /** Whether TESSERA_PUBLIC_URL was set (else publicUrl is a guess and loopback requests use their own origin). */
    publicUrlSet: boolean;
  };
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** 32 bytes from base64 (std or url) or 64 hex characters; null when neither. */
export function parseMasterKey(text: string): Buffer | null {
  const t = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(t)) return Buffer.from(t, 'hex');
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(t)) {
    const b = Buffer.from(t.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    if (b.length === 32) return b;
  }
  return null;
}

function samlConfig(c: RawConfig): Config['saml'] {
  const publicUrl = (c.TESSERA_PUBLIC_URL ?? `http://localhost:${c.PORT}`).replace(/\/+$/, '');
  return {
    spEntityId: c.TESSERA_SAML_SP_ENTITY_ID ?? `${publicUrl}/saml`,
    acsUrl: c.TESSERA_SAML_ACS_URL ?? `${publicUrl}/saml`,
    acceptAwsSp: c.TESSERA_SAML_ACCEPT_AWS_SP,
  };
}

/** Parse the environment once; throws ConfigError listing every bad key. */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const keys = Object.keys(configSchema.shape) as (keyof RawConfig)[];
  const picked: Record<string, string> = {};
  for (const k of keys) {
    const v = env[k];
    if (v !== undefined && v !== '') picked[k] = v;
  }
  const r = configSchema.safeParse(picked);
  const problems = [
    ...(r.success ? [] : r.error.issues.map((i) => `${i.path.join('.') || '(config)'}: ${i.message}`)),
    ...crossKeyProblems(picked),
  ];
  if (r.success) {
    const d = r.data;
    const longest = Math.max(d.TESSERA_MFA_DEVICE_LOCK_SECONDS, d.TESSERA_MFA_USER_LOCK_SECONDS);
    if (d.TESSERA_MFA_MAX_LOCK_SECONDS < longest) {
      problems.push(`TESSERA_MFA_MAX_LOCK_SECONDS: must be at least TESSERA_MFA_DEVICE_LOCK_SECONDS and TESSERA_MFA_USER_LOCK_SECONDS (${longest})`);
    }
  }
  if (!r.success || problems.length > 0) throw new ConfigError(problems);
  const c = r.data;
  return {
    port: c.PORT,
    host: c.HOST,
    databaseUrl: c.DATABASE_URL,
    databasePoolSize: c.DATABASE_POOL_SIZE,
    redisUrl: c.REDIS_URL,
    dataDir: c.TESSERA_DATA_DIR,
    publicUrl: (c.TESSERA_PUBLIC_URL ?? `http://localhost:${c.PORT}`).replace(/\/+$/, ''),
    rootAccessKeyId: c.TESSERA_ROOT_ACCESS_KEY_ID,
    rootSecretAccessKey: c.TESSERA_ROOT_SECRET_ACCESS_KEY,
    accountId: c.TESSERA_ACCOUNT_ID,
    masterKey: c.TESSERA_MASTER_KEY === undefined ? undefined : (parseMasterKey(c.TESSERA_MASTER_KEY) ?? undefined),
    newMasterKey: c.TESSERA_NEW_MASTER_KEY === undefined ? undefined : (parseMasterKey(c.TESSERA_NEW_MASTER_KEY) ?? undefined),
    partition: c.TESSERA_PARTITION,
    allowInsecureIssuers: c.TESSERA_ALLOW_INSECURE_ISSUERS,
    extraRegions: c.TESSERA_EXTRA_REGIONS,
    saml: samlConfig(c),
    trustProxyHops: c.TESSERA_TRUST_PROXY_HOPS,
    maxBodyBytes: c.TESSERA_MAX_BODY_BYTES,
    shutdownGraceSeconds: c.TESSERA_SHUTDOWN_GRACE_SECONDS,
    workers:
      c.TESSERA_WORKERS !== 'auto' ? c.TESSERA_WORKERS : c.DATABASE_URL !== undefined && c.REDIS_URL !== undefined ? Math.min(64, availableParallelism()) : 1,
    autoMigrate: c.TESSERA_AUTO_MIGRATE ?? c.DATABASE_URL === undefined,
    logLevel: c.LOG_LEVEL,
    mfaThrottle: {
      device: {
        maxFailures: c.TESSERA_MFA_DEVICE_MAX_FAILURES,
        windowSeconds: c.TESSERA_MFA_DEVICE_WINDOW_SECONDS,
        lockSeconds: c.TESSERA_MFA_DEVICE_LOCK_SECONDS,
        maxLockSeconds: c.TESSERA_MFA_MAX_LOCK_SECONDS,
      },
      user: {
        maxFailures: c.TESSERA_MFA_USER_MAX_FAILURES,
        windowSeconds: c.TESSERA_MFA_USER_WINDOW_SECONDS,
        lockSeconds: c.TESSERA_MFA_USER_LOCK_SECONDS,
        maxLockSeconds: c.TESSERA_MFA_MAX_LOCK_SECONDS,
      },
    },
    signIn: {
      idleSeconds: c.TESSERA_SIGNIN_IDLE_SECONDS,
      requireMfa: c.TESSERA_SIGNIN_REQUIRE_MFA,
      startsPerMinute: c.TESSERA_SIGNIN_STARTS_PER_MINUTE,
      maxSeconds: c.TESSERA_SIGNIN_MAX_SECONDS,
      identity: {
        maxFailures: c.TESSERA_SIGNIN_MAX_FAILURES,
        windowSeconds: c.TESSERA_SIGNIN_WINDOW_SECONDS,
        lockSeconds: c.TESSERA_SIGNIN_LOCK_SECONDS,
        maxLockSeconds: Math.max(c.TESSERA_SIGNIN_LOCK_SECONDS, c.TESSERA_MFA_MAX_LOCK_SECONDS),
      },
      address: {
        maxFailures: c.TESSERA_SIGNIN_ADDRESS_MAX_FAILURES,
        windowSeconds: c.TESSERA_SIGNIN_WINDOW_SECONDS,
        lockSeconds: c.TESSERA_SIGNIN_LOCK_SECONDS,
        maxLockSeconds: Math.max(c.TESSERA_SIGNIN_LOCK_SECONDS, c.TESSERA_MFA_MAX_LOCK_SECONDS),
      },
      publicUrlSet: c.TESSERA_PUBLIC_URL !== undefined,
    },
  };
}
