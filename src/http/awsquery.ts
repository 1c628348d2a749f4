import type { IncomingMessage, ServerResponse } from 'node:http';
import { AwsError, Errors, isAwsError } from '../errors/index.js';
import { parseForm, type Params } from './form.js';
import { modelSuccessXml } from '../protocols/query-xml.js';
import { renderQueryError } from './errors.js';
import { SERVICES, type AuthedContext, type OpContext, type RequestInfo, type ServiceName } from '../protocols/operation.js';
import type { OperationRegistry, RoutedOperation } from '../http/registry.js';
import { parseQueryInput } from '../protocols/query-input.js';
import { serializeQueryOutput } from '../protocols/query-output.js';
import { hasSignature, verifySigV4 } from '../tokens/sigv4.js';
import type { Caller } from '../tokens/caller.js';
import type { Services } from '../services.js';
import { createStore } from '../store/store.js';
import { type AuditEvent } from '../audit/log.js';
import { requestInfo } from './request-context.js';
import { enforceCredentialScope } from '../sts/restrictions.js';
import { authorizeMissing } from '../iam/authorize.js';
import { withEncodedMessage } from '../sts/authorization-message.js';

/**
 * The AWS Query protocol adapter: `POST /` (form body) and `GET /?Action=…`, routed by Action
 * and Version. The whole pipeline reads as its steps:
 *   readBody → parseParams → route → authenticate → parseInput → run → audit → respond
 * It is a plain (req, res) handler, not a chain of Express middleware: this is the hot path.
 */
const VERSION_TO_SERVICE = new Map<string, ServiceName>(
  (Object.entries(SERVICES) as [ServiceName, { version: string }][]).map(([s, v]) => [v.version, s]),
);
const UTF8 = new TextDecoder('utf-8', { fatal: true });
const FORM_TYPE = /^application\/x-www-form-urlencoded\s*(;.*)?$/i;
/** Bodies larger than this are not read at all; the connection is closed after the answer. */
const DISCARD_LIMIT = 64 * 1024 * 1024;

interface Exchange {
  info: RequestInfo;
  service: ServiceName | undefined;
  action: string | undefined;
  caller: Caller | null;
  accessKeyId: string | undefined;
  audit: Record<string, unknown>;
  /** Set when the operation's transaction already wrote this call's success event. */
  auditRow: { id: number; detail: string } | undefined;
  start: bigint;
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? NaN);
    let size = 0;
    let tooLarge = Number.isFinite(declared) && declared > limit;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) tooLarge = true;
      if (size > DISCARD_LIMIT) {
        req.destroy();
        return;
      }
      if (!tooLarge) chunks.push(c);
    });
    req.on('end', () => (tooLarge ? reject(Errors.requestTooLarge()) : resolve(Buffer.concat(chunks, size))));
    req.on('error', (e) => reject(Errors.incompleteBody(e)));
    req.on('aborted', () => reject(Errors.incompleteBody()));
  });
}

function parseParams(req: IncomingMessage, body: Buffer): Params {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const params: Params = new Map();
  if (q !== -1) parseForm(url.slice(q + 1), params);
  if (body.length > 0) {
    const ct = req.headers['content-type'];
    if (ct === undefined || !FORM_TYPE.test(ct)) throw Errors.unsupportedMediaType();
    let text: string;
    try {
      text = UTF8.decode(body);
    } catch {
      throw Errors.malformedQueryString('The request body is not valid UTF-8.');
    }
    parseForm(text, params);
  }
  return params;
}

function route(registry: OperationRegistry, params: Params, ex: Exchange): { service: ServiceName; routed: RoutedOperation } {
  const action = params.get('Action');
  if (action === undefined || action === '') throw Errors.missingAction();
  const version = params.get('Version');
  if (version === undefined || version === '') throw Errors.missingParameter('Version');
  const service = VERSION_TO_SERVICE.get(version);
  ex.service = service;
  const routed = service ? registry.get(service, action) : undefined;
  if (!service || !routed) throw Errors.unknownOperation(action, version);
  return { service, routed };
}

async function authenticate(
  services: Services,
  req: IncomingMessage,
  body: Buffer,
  service: ServiceName,
  ex: Exchange,
): Promise<Caller> {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  if (!hasSignature({ headers: req.headers, query: q === -1 ? '' : url.slice(q + 1) })) {
    throw Errors.missingAuthenticationToken();
  }
  let caller: Caller | null = null;
  const claims = await verifySigV4(
    { method: req.method ?? 'GET', url, headers: req.headers, body },
    {
      now: ex.info.now,
      services: [service],
      keyCache: services.signingKeyCache,
      regions: services.regions,
      lookupSecret: async (accessKeyId, c) => {
        ex.accessKeyId = accessKeyId;
        const r = await services.credentials.resolve(accessKeyId, c.sessionToken, ex.info.now);
        if (!r) return null;
        caller = r.caller;
        return r.secret;
      },
    },
  );
  ex.info.region = claims.region;
  services.credentials.recordUse(ex.accessKeyId, service, claims.region, ex.info.now);
  return caller!;
}

function send(res: ServerResponse, status: number, requestId: string, xml: string): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, {
    'content-type': 'text/xml',
    'content-length': Buffer.byteLength(xml),
    'x-amzn-requestid': requestId,
  });
  res.end(xml);
}

export interface AwsQueryOptions {
  /** Sees every result before it is serialized (the tests' output-shape check, src/protocols/conformance.ts). */
  onResult?: (service: ServiceName, action: string, result: unknown) => void;
}

export function createAwsQueryHandler(services: Services, registry: OperationRegistry, opts: AwsQueryOptions = {}) {
  const { config, metrics, logger, audit } = services;
  return async function awsQuery(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const ex: Exchange = {
      info: requestInfo(req, services),
      service: undefined,
      action: undefined,
      caller: null,
      accessKeyId: undefined,
      audit: {},
      auditRow: undefined,
      start: process.hrtime.bigint(),
    };
    let status = 200;
    let xml: string;
    let error: AwsError | undefined;
    let ctx: OpContext | undefined;
    try {
      const body = await readBody(req, config.maxBodyBytes);
      const params = parseParams(req, body);
      const { service, routed } = route(registry, params, ex);
      const op = routed.op;
      ex.service = service;
      ex.action = op.name;
      if (op.auth === 'sigv4') {
        ex.caller = await authenticate(services, req, body, service, ex);
        enforceCredentialScope(ex.caller, service, op.name);
      }
      const input = parseQueryInput(routed.model.input, params);
      ctx = { req: ex.info, caller: ex.caller, services: service === 'iam' ? auditedServices(services, ex) : services, audit: ex.audit };
      const out = await op.run(ctx, input);
      const shape = routed.model.output;
      opts.onResult?.(service, op.name, out ?? undefined);
      xml = modelSuccessXml(op.name, SERVICES[service].namespace, shape ? serializeQueryOutput(shape, out ?? {}, routed.omit) : undefined, ex.info.requestId);
    } catch (e) {
      error = toAwsError(e, logger, ex);
      if (error.code === 'NoSuchEntity' && ctx?.caller && ex.service === 'iam') {
        error = await authorizeMissing(ctx as AuthedContext, `iam:${ex.action}`, error);
      }
      if (error.code === 'AccessDenied') error = await withEncodedMessage(services, error, ex.caller?.accountId, ex.info.now);
      status = error.status;
      xml = '';
    }
    if (ex.action !== undefined && ex.service !== undefined) {
      try {
        if (ex.auditRow && !error) {
          // Written with the change itself; add what the operation noted after its commit. The
          // change and its success record have committed: losing the database now must not turn
          // the answer into a failure, so a failed detail update is only logged.
          const detail = JSON.stringify(ex.audit);
          if (detail !== ex.auditRow.detail) {
            await services.store.audit.updateDetail(ex.auditRow.id, detail).catch((err: unknown) => {
              logger.warn({ err, requestId: ex.info.requestId }, 'audit detail update failed after commit; the success record stands');
            });
          }
        } else {
          await audit.record(auditEvent(ex, error));
        }
      } catch (e) {
        logger.error({ err: e, requestId: ex.info.requestId }, 'audit write failed; refusing to answer');
        // An "outcome unknown" 503 keeps its message: the caller must still learn that the change
        // may have been applied.
        error = error?.detail?.outcome === 'unknown' ? error : Errors.serviceUnavailable();
        status = 503;
      }
    }
    if (error) {
      const ns = ex.service ? SERVICES[ex.service].namespace : undefined;
      xml = renderQueryError(error, { requestId: ex.info.requestId, namespace: ns }).body;
    }
    const service = ex.service ?? 'unknown';
    const action = ex.action ?? 'unknown';
    metrics.requests.inc({ service, action, outcome: error ? error.code : 'success' });
    metrics.latency.observe({ service, action }, Number(process.hrtime.bigint() - ex.start) / 1e9);
    if (error?.code === 'RequestEntityTooLarge' && !res.headersSent) res.setHeader('connection', 'close');
    send(res, status, ex.info.requestId, xml!);
  };
}

function auditEvent(ex: Exchange, error: AwsError | undefined): AuditEvent {
  return {
    time: ex.info.now,
    requestId: ex.info.requestId,
    service: ex.service!,
    action: ex.action!,
    accountId: ex.caller?.accountId,
    principalArn: ex.caller?.arn,
    principalId: ex.caller?.userId,
    accessKeyId: ex.accessKeyId,
    sourceIp: ex.info.sourceIp,
    userAgent: ex.info.userAgent,
    // A change whose commit was cut off may have been applied: neither success nor failure.
    outcome: error?.detail?.outcome === 'unknown' ? 'unknown' : error ? 'failure' : 'success',
    errorCode: error?.code,
    detail: ex.audit,
  };
}

/**
 * The services an operation sees: the same, except that
 * - `store.tx()` also writes this call's success audit event inside the transaction, so a change
 *   and its audit record commit together (or not at all); the adapter then does not write the
 *   event again;
 * - every such transaction also records an invalidation in the outbox (store/outbox.ts): the
 *   operation's own when it passes the transaction to `invalidate(m, t)`, else a catch-all
 *   `{kind:'all'}`, so no IAM change can commit without every replica dropping what it cached;
 * - `invalidate(m)` after such a commit is then only the local drop and the Redis fast path:
 *   the durable record already committed with the change, so the request cannot fail after it.
 */
function auditedServices(services: Services, ex: Exchange): Services {
  let precise = false;
  let committedInvalidation = false;
  const invalidate: Services['invalidate'] = async (m, within) => {
    if (within) {
      precise = true;
      return services.invalidate(m, within);
    }
    if (committedInvalidation) {
      // Durable copy committed with the change; local drop and best-effort broadcast only.
      services.invalidateFast(m);
      return;
    }
    return services.invalidate(m);
  };
  const store = createStore(services.db, {
    async beforeCommit(t) {
      if (!precise) await t.outbox.write([{ kind: 'all' }]);
      precise = false;
      if (!ex.auditRow) {
        const [id] = await t.audit.insert([auditEvent(ex, undefined)]);
        ex.auditRow = { id: id!, detail: JSON.stringify(ex.audit) };
      }
    },
    committed() {
      committedInvalidation = true;
    },
    failed() {
      precise = false;
      // Rolled back (or unknown): this transaction's audit row is not known to exist.
      if (!committedInvalidation) ex.auditRow = undefined;
    },
  });
  return { ...services, store, invalidate };
}

function toAwsError(e: unknown, logger: Services['logger'], ex: Exchange): AwsError {
  if (isAwsError(e)) {
    if (!e.expose) {
      logger.error({ err: e, requestId: ex.info.requestId, action: ex.action }, 'request failed');
      return e.status === 503 ? e : Errors.internal(e);
    }
    return e;
  }
  logger.error({ err: e, requestId: ex.info.requestId, action: ex.action }, 'unhandled error');
  return Errors.internal(e);
}
