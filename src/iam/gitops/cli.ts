import { accounts } from '../../store/accounts.js';
import { readFile, realpath, stat } from 'node:fs/promises';
import { relative, isAbsolute } from 'node:path';
import type { Config } from '../../config/index.js';
import type { Logger } from '../../log.js';
import { createCache } from '../../cache/index.js';
import { resolveMasterKey } from '../../keys/master.js';
import { buildServices, openDatabase } from '../../compose.js';
import { migrationsCurrent } from '../../store/migrate.js';
import { ApplyError, applySpec, parseApplyFile, type SecretRef } from './apply.js';

export const APPLY_USAGE = 'usage: tessera apply -f FILE.json   (converge IAM to the file; see src/iam/gitops/apply.ts)\n';

/**
 * `tessera apply -f file.json`: load the file, open the configured database (and Redis, so
 * running replicas hear the invalidations), apply as the bootstrap account's root, print one
 * line per entity. Exit 0 on success, 1 on an IAM error, 2 on usage errors.
 */
export async function runApplyCommand(argv: string[], config: Config, logger: Logger, env: Readonly<Record<string, string | undefined>> = {}): Promise<number> {
  const i = argv.findIndex((a) => a === '-f' || a === '--file');
  const file = i >= 0 ? argv[i + 1] : undefined;
  if (!file) {
    process.stderr.write(APPLY_USAGE);
    return 2;
  }
  let spec;
  try {
    spec = parseApplyFile(await readFile(file === '-' ? '/dev/stdin' : file, 'utf8'));
  } catch (e) {
    process.stderr.write(`tessera apply: ${file}: ${e instanceof Error ? e.message : String(e)}\n`);
    return 2;
  }
  const { db, embedded } = await openDatabase(config, logger);
  const cache = createCache({ redisUrl: config.redisUrl, logger });
  try {
    if (!(await migrationsCurrent(db))) throw new ApplyError('the database schema is not current: run `tessera migrate` first');
    const accountId = await accounts.bootstrapAccountId(db);
    if (!accountId) throw new ApplyError('not bootstrapped yet: run `tessera bootstrap` (or start the server) first');
    const { key: masterKey } = await resolveMasterKey({ configured: config.masterKey, dataDir: config.dataDir });
    const services = await buildServices({ config, db, cache, logger, masterKey, accountId });
    try {
      const changes = await applySpec(services, spec, { resolveSecret: (ref, name) => resolveSecret(ref, name, env, { dataDir: config.dataDir }) });
      for (const c of changes) process.stdout.write(`${c.action.padEnd(9)} ${c.kind} ${c.name}${c.details ? ` (${c.details.join('; ')})` : ''}\n`);
      return 0;
    } finally {
      await services.dispose();
    }
  } catch (e) {
    if (e instanceof ApplyError) {
      process.stderr.write(`tessera apply: ${e.message}\n`);
      return 1;
    }
    throw e;
  } finally {
    await cache.close();
    await db.close();
    await embedded?.stop();
  }
}

/** Variables Tessera's own configuration reads (src/config): never a connector secret. */
const OWN_CONFIG = (v: string) => v === 'DATABASE_URL' || v === 'REDIS_URL' || v.startsWith('TESSERA_');
/** The largest secret a connector takes (the Secrets member's limit). */
const MAX_SECRET_FILE_BYTES = 65_536;

/**
 * A sign-in connector secret reference of the apply document: `{env}` names a variable of the
 * command's environment, `{file}` a file (relative to the current directory) whose content is the
 * value, one trailing newline dropped. Messages name the reference, never the value.
 *
 * The document may come from a repository others write to, and a connector's secret is sent to
 * the upstream its settings name: so a reference never resolves to Tessera's own secrets — the
 * variables its configuration reads (TESSERA_MASTER_KEY, DATABASE_URL, …) or a file in its data
 * directory (master.key, the embedded database) — and a file must be a regular file of at most
 * 64 KB (not /dev/zero, a FIFO, a directory).
 */
export async function resolveSecret(
  ref: SecretRef,
  name: string,
  env: Readonly<Record<string, string | undefined>>,
  opts: { dataDir?: string } = {},
): Promise<string> {
  if ('env' in ref) {
    if (OWN_CONFIG(ref.env)) throw new ApplyError(`secret ${name}: ${ref.env} is Tessera's own configuration, never a connector secret`);
    const v = env[ref.env];
    if (v === undefined || v === '') throw new ApplyError(`secret ${name}: the environment variable ${ref.env} is not set`);
    return v;
  }
  let text: string;
  try {
    const real = await realpath(ref.file);
    if (opts.dataDir !== undefined) {
      const dir = await realpath(opts.dataDir).catch(() => null);
      const rel = dir === null ? null : relative(dir, real);
      if (rel !== null && !rel.startsWith('..') && !isAbsolute(rel)) throw new ApplyError(`secret ${name}: ${ref.file} is in Tessera's data directory, never a connector secret`);
    }
    const st = await stat(real);
    if (!st.isFile() || st.size > MAX_SECRET_FILE_BYTES) throw new ApplyError(`secret ${name}: ${ref.file} is not a regular file of at most ${MAX_SECRET_FILE_BYTES} bytes`);
    text = await readFile(real, 'utf8');
  } catch (e) {
    if (e instanceof ApplyError) throw e;
    throw new ApplyError(`secret ${name}: cannot read ${ref.file} (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  const v = text.replace(/\r?\n$/, '');
  if (v === '') throw new ApplyError(`secret ${name}: ${ref.file} is empty`);
  return v;
}
