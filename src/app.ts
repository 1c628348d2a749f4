import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { Services } from './services.js';
import { OperationRegistry } from './http/registry.js';
import { createAwsQueryHandler, type AwsQueryOptions } from './http/awsquery.js';
import { createReadyz, healthz } from './http/health.js';
import { stsOperations } from './sts/index.js';
import { iamOperations } from './iam/index.js';
import { oidcDiscoveryRouter } from './http/oidc-discovery.js';
import { Errors, isAwsError } from './errors/index.js';
import { renderJsonError, sendError } from './http/errors.js';
import { createTokenExchangeHandler } from './http/oauth-token.js';
import { signInRouter } from './http/signin.js';
import { portalRouter } from './http/portal.js';
import { cliAuthRouter } from './http/cli-auth.js';
import { consoleSectionsRouter } from './web/console/sections-router.js';
import { consoleRouter } from './http/console.js';

/** Every AWS action served, STS then IAM. */
export const allOperations = [...stsOperations, ...iamOperations];

/**
 * createApp(services): the HTTP surface as a node:http request listener, with no listen and no
 * env reads (tests use it: `http.createServer(createApp(services))`).
 *
 * The AWS Query endpoint (`GET|HEAD|POST /`, any query string) is the hot path and never enters
 * Express: the listener hands it straight to the plain (req, res) adapter, which reads the raw
 * body itself (SigV4 needs the exact bytes). Every other request goes to the Express app
 * (`createExpressApp`): OAuth token exchange, OIDC discovery, health, metrics, 404s.
 */
export function createApp(services: Services, opts: AwsQueryOptions = {}): RequestListener {
  const registry = new OperationRegistry(allOperations);
  const awsQuery = createAwsQueryHandler(services, registry, opts);
  const app = createExpressApp(services);
  return (req: IncomingMessage, res: ServerResponse) => {
    if (isAwsQueryRequest(req)) void awsQuery(req, res);
    else app(req, res);
  };
}

/**
 * What Express routed to the AWS Query adapter: path exactly `/` (a query string allowed) and
 * method GET, HEAD (Express serves HEAD with GET routes) or POST. OPTIONS and the rest stay
 * with Express.
 */
export function isAwsQueryRequest(req: IncomingMessage): boolean {
  const m = req.method;
  if (m !== 'POST' && m !== 'GET' && m !== 'HEAD') return false;
  const url = req.url ?? '';
  if (url.charCodeAt(0) === 47 /* / */) return url.length === 1 || url.charCodeAt(1) === 63 /* ? */;
  // absolute-form request target (`POST http://host/?… HTTP/1.1`), rare
  try {
    return /^https?:\/\//i.test(url) && new URL(url).pathname === '/';
  } catch {
    return false;
  }
}

/** Everything but the AWS Query endpoint. */
export function createExpressApp(services: Services): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  app.set('trust proxy', services.config.trustProxyHops);

  const tokenExchange = createTokenExchangeHandler(services);
  app.post('/oauth2/token', (req, res) => void tokenExchange(req, res));
  app.use(oidcDiscoveryRouter(services));
  app.get('/healthz', healthz);
  app.get('/readyz', createReadyz(services));
  app.get('/metrics', async (_req, res) => {
    res.type(services.metrics.registry.contentType).send(await services.metrics.registry.metrics());
  });
  // People (issues 11, 12): the tessera CLI's endpoints (/oauth2/device_authorization, /device,
  // /oauth2/authorize, /oauth2/revoke, /cli/*), the portal (/portal, /assets/portal.js) before the
  // sign-in router, which answers everything else under /assets with its 404 page; then /signin/*, /session, …
  app.use(cliAuthRouter(services));
  app.use(portalRouter(services));
  // The console (issue 12): POST /console/role, GET /console; the sections /console/{providers,connectors,sessions,mfa,audit}.
  app.use(consoleRouter(services));
  app.use(consoleSectionsRouter(services));
  app.use(signInRouter(services));

  app.use((_req, res) => {
    res.status(404).json({ error: 'NotFound', message: 'No such endpoint' });
  });
  // Anything a route threw: the JSON renderer (http/errors.ts), as InternalFailure unless it is
  // a client error Express itself raised (a malformed URL), which is BadRequest.
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const status = typeof (err as { status?: unknown }).status === 'number' ? (err as { status: number }).status : 500;
    const error = isAwsError(err) ? err : status >= 400 && status < 500 ? Errors.badRequest(err) : Errors.internal(err);
    const rendered = renderJsonError(error, { requestId: services.random.uuid() });
    if (rendered.status >= 500) services.logger.error({ err, path: req.path, requestId: rendered.headers['x-amzn-requestid'] }, 'unhandled error');
    sendError(res, rendered);
  });
  return app;
}
