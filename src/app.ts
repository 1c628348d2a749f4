import express, { type NextFunction, type Request, type Response } from 'express';
import type { Services } from './services.js';
import { OperationRegistry } from './awsquery/registry.js';
import { createAwsQueryHandler } from './http/awsquery.js';
import { createReadyz, healthz } from './http/health.js';
import { stsOperations } from './sts/index.js';
import { iamOperations } from './iam/index.js';
import { oidcDiscoveryRouter } from './http/oidc-discovery.js';
import { createTokenExchangeHandler } from './sts/oauth-token-exchange.js';

/**
 * createApp(services): the HTTP surface, with no listen and no env reads (tests use it).
 * The AWS Query endpoint is mounted first and bypasses Express's body parsers: it reads the raw
 * body itself (SigV4 needs the exact bytes) and is the hot path.
 */
export function createApp(services: Services): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  app.set('trust proxy', services.config.trustProxyHops);

  const registry = new OperationRegistry([...stsOperations, ...iamOperations]);
  const awsQuery = createAwsQueryHandler(services, registry);
  app.post('/', (req, res) => void awsQuery(req, res));
  app.get('/', (req, res) => void awsQuery(req, res));

  const tokenExchange = createTokenExchangeHandler(services);
  app.post('/oauth2/token', (req, res) => void tokenExchange(req, res));
  app.use(oidcDiscoveryRouter(services));
  app.get('/healthz', healthz);
  app.get('/readyz', createReadyz(services));
  app.get('/metrics', async (_req, res) => {
    res.type(services.metrics.registry.contentType).send(await services.metrics.registry.metrics());
  });

  app.use((_req, res) => {
    res.status(404).json({ error: 'NotFound', message: 'No such endpoint' });
  });
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const status = typeof (err as { status?: unknown }).status === 'number' ? (err as { status: number }).status : 500;
    if (status >= 500) services.logger.error({ err, path: req.path }, 'unhandled error');
    if (res.headersSent) return;
    res.status(status >= 400 && status < 600 ? status : 500).json({
      error: status < 500 ? 'BadRequest' : 'InternalFailure',
      message: status < 500 ? 'The request could not be processed' : 'Internal error',
    });
  });
  return app;
}
