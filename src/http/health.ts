import type { Request, Response } from 'express';
import type { Services } from '../services.js';
import { migrationsCurrent } from '../store/migrate.js';
import { verifyMasterKey } from '../keys/master-check.js';

/**
 * /healthz: the process is alive. /readyz: database and cache reachable (and the cache's circuit
 * closed), schema current, this replica's master key still the database's and its key-ring keys
 * openable, its invalidation listener connected.
 */
export function healthz(_req: Request, res: Response): void {
  res.type('text/plain').send('ok');
}

export function createReadyz(services: Services) {
  let schemaOk = false;
  return async function readyz(_req: Request, res: Response): Promise<void> {
    const checks: Record<string, string> = {};
    const timeout = <T>(p: Promise<T>) =>
      Promise.race([p, new Promise<never>((_, rej) => setTimeout(() => rej(new Error('timeout')), 2000).unref())]);
    await Promise.all([
      timeout(services.db.ping()).then(
        () => (checks.database = 'ok'),
        () => (checks.database = 'unreachable'),
      ),
      services.cache.circuitOpen?.()
        ? Promise.resolve((checks.cache = 'unavailable (circuit open)'))
        : timeout(services.cache.ping()).then(
            () => (checks.cache = 'ok'),
            () => (checks.cache = services.cache.circuitOpen?.() ? 'unavailable (circuit open)' : 'unreachable'),
          ),
      timeout(verifyMasterKey(services.db, services.masterKey, { create: false })).then(
        () => (checks.masterKey = 'ok'),
        (e: unknown) => (checks.masterKey = (e as Error).name === 'MasterKeyError' ? 'wrong key: this replica cannot open the database\'s sealed data' : 'unknown'),
      ),
      timeout(services.keys.problem(services.now())).then(
        (p) => (checks.keys = p ?? 'ok'),
        () => (checks.keys = 'unknown'),
      ),
      Promise.resolve((checks.invalidations = services.invalidationBusHealthy() ? 'ok' : 'reconnecting')),
      (schemaOk ? Promise.resolve(true) : timeout(migrationsCurrent(services.db))).then(
        (ok) => {
          schemaOk = ok;
          checks.migrations = ok ? 'ok' : 'pending';
        },
        () => (checks.migrations = 'unknown'),
      ),
    ]);
    const ok = Object.values(checks).every((v) => v === 'ok');
    res.status(ok ? 200 : 503).json({ status: ok ? 'ready' : 'not ready', checks });
  };
}
