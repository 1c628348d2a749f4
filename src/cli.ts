import type { Config } from './config/index.js';
import type { Logger } from './log.js';

// Only type imports above: `tessera login | credentials | logout` (src/client/, node builtins
// only) run before any of the server's modules is loaded, so credential_process starts fast.
// The server commands load theirs below.
/** `tessera serve | migrate | bootstrap | … | login | credentials | logout` */
const USAGE = `usage: tessera <command>

  serve      run the service (default)
  migrate    apply pending database migrations, then exit
  bootstrap  create the root account and its admin key if missing, print a new key once, exit
  apply -f FILE.json  create/update users, groups, roles, policies and identity providers from a file
  rotate-master-key  re-wrap every sealed secret from TESSERA_MASTER_KEY to TESSERA_NEW_MASTER_KEY
                     (one transaction), then exit; restart every replica with the new key

  login [--url URL] [--browser] [--no-browser]   sign in to a Tessera (device code, or --browser: loopback + PKCE)
  credentials --role ARN [--duration S] [--url URL]   AWS credential_process JSON for a role
  logout [--url URL]   revoke the sign-in and delete its cache
`;

const CLIENT_COMMANDS = new Set(['login', 'credentials', 'logout', 'roles']);

async function main(argv: string[]): Promise<number> {
  const cmd = argv[0] ?? 'serve';
  if (cmd === '-h' || cmd === '--help' || cmd === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  if (CLIENT_COMMANDS.has(cmd)) {
    const { runClient } = await import('./client/main.js');
    return runClient(cmd, argv.slice(1));
  }
  const { ConfigError, loadConfig } = await import('./config/index.js');
  const { createLogger } = await import('./log.js');
  const cluster = (await import('node:cluster')).default;
  const { openDatabase, printCredentials, SHUTDOWN_MESSAGE, startTessera } = await import('./main.js');
  const { migrate, migrationsCurrent } = await import('./store/migrate.js');
  const { rotateMasterKey } = await import('./keys/rotate.js');
  const { resolveMasterKey } = await import('./keys/master.js');
  const { bootstrap } = await import('./iam/bootstrap.js');
  const { runApplyCommand } = await import('./iam/gitops/cli.js');
  let config;
  try {
    config = loadConfig(process.env);
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(e.message + '\n');
      return 2;
    }
    throw e;
  }
  const logger = createLogger(config.logLevel);
  switch (cmd) {
    case 'serve': {
      if (config.workers > 1 && cluster.isPrimary) return servePrimary(config, logger);
      const rt = await startTessera(config, { logger });
      let signals = 0;
      const onSignal = (sig: string) => {
        if (++signals > 1) {
          logger.warn({ sig }, 'second signal: exiting now');
          process.exit(1);
        }
        logger.info({ sig }, 'signal received');
        rt.stop().then(
          () => process.exit(0),
          (e) => {
            logger.error({ err: e }, 'shutdown failed');
            process.exit(1);
          },
        );
      };
      // Ours are the only signal handlers: stop() drains in-flight requests, then stops the
      // embedded database (src/store/embedded.ts installs no handler of its own).
      process.on('SIGTERM', () => onSignal('SIGTERM'));
      process.on('SIGINT', () => onSignal('SIGINT'));
      if (cluster.isWorker) {
        // The primary asks for a drain over IPC (not a signal: a Ctrl-C reaching the whole process
        // group must not count twice); a vanished primary means drain and exit too.
        const drain = () =>
          rt.stop().then(
            () => process.exit(0),
            () => process.exit(1),
          );
        process.on('message', (m) => {
          if (m === SHUTDOWN_MESSAGE) void drain();
        });
        process.on('disconnect', () => void drain());
      }
      return -1;
    }
    case 'migrate':
    case 'bootstrap': {
      const { db, embedded } = await openDatabase(config, logger);
      try {
        const applied = await migrate(db);
        logger.info({ applied }, applied.length ? 'migrations applied' : 'schema is current');
        if (cmd === 'bootstrap') {
          const { key } = await resolveMasterKey({ configured: config.masterKey, dataDir: config.dataDir });
          const r = await bootstrap(db, {
            masterKey: key,
            accountId: config.accountId,
            rootAccessKeyId: config.rootAccessKeyId,
            rootSecretAccessKey: config.rootSecretAccessKey,
          });
          if (r.generatedCredentials) printCredentials({ accountId: r.accountId, ...r.generatedCredentials });
          else logger.info({ accountId: r.accountId }, 'already bootstrapped');
        }
      } finally {
        await db.close();
        await embedded?.stop();
      }
      return 0;
    }
    case 'apply':
      return runApplyCommand(argv.slice(1), config, logger, process.env);
    case 'rotate-master-key': {
      if (!config.newMasterKey) {
        process.stderr.write('tessera rotate-master-key: set TESSERA_NEW_MASTER_KEY to the new key (32 bytes, base64 or hex)\n');
        return 2;
      }
      const { db, embedded } = await openDatabase(config, logger);
      try {
        if (!(await migrationsCurrent(db))) throw new Error('the database schema is not current: run `tessera migrate` first');
        const { key } = await resolveMasterKey({ configured: config.masterKey, dataDir: config.dataDir });
        const r = await rotateMasterKey(db, key, config.newMasterKey);
        process.stdout.write(
          `re-wrapped under the new master key: ${Object.entries(r.rewrapped).map(([k, n]) => `${k} ${n}`).join(', ')}\n` +
            'now restart every replica with TESSERA_MASTER_KEY set to the new key (replicas on the old key report not ready)\n',
        );
      } finally {
        await db.close();
        await embedded?.stop();
      }
      return 0;
    }
    default:
      process.stderr.write(USAGE);
      return 2;
  }
}

/** TESSERA_WORKERS > 1: fork the workers; on SIGTERM/SIGINT forward it and exit when they have. */
async function servePrimary(config: Config, logger: Logger): Promise<number> {
  const { startWorkers } = await import('./main.js');
  const pool = await startWorkers(config, { logger });
  let signals = 0;
  const onSignal = (sig: NodeJS.Signals) => {
    if (++signals > 1) {
      logger.warn({ sig }, 'second signal: exiting now');
      pool.kill();
      process.exit(1);
    }
    logger.info({ sig, workers: pool.workers }, 'signal received: draining the workers');
    pool.stop().then(
      (code) => process.exit(code),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', () => onSignal('SIGTERM'));
  process.on('SIGINT', () => onSignal('SIGINT'));
  return -1;
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (e) => {
    // Errors that already say what failed in one sentence get no cause appended.
    const whole = e instanceof Error && (e.name === 'MasterKeyError' || e.name === 'DatabaseConnectError');
    const cause = !whole && e instanceof Error && e.cause instanceof Error ? ` (${e.cause.message})` : '';
    process.stderr.write(`tessera: ${e instanceof Error ? e.message : String(e)}${cause}\n`);
    process.exit(1);
  },
);
