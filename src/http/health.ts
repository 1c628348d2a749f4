import type { Request, Response } from 'express';
import type { Services } from '../services.js';
import { migrationsCurrent } from '../store/migrate.js';

/** /healthz: the process is alive. /readyz: database and cache reachable, schema current. */
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
      timeout(services.cache.ping()).then(
        () => (checks.cache = 'ok'),
        () => (checks.cache = 'unreachable'),
      ),
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
