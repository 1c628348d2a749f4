import type { IncomingMessage, ServerResponse } from 'node:http';
import { Errors } from '../errors/index.js';
import { parseForm, type Params } from './form.js';
import { modelSuccessXml } from '../protocols/query-xml.js';
import { renderQueryError } from './errors.js';
import { SERVICES, type ServiceName } from '../protocols/operation.js';
import type { OperationRegistry, RoutedOperation } from '../http/registry.js';
import { serializeQueryOutput } from '../protocols/query-output.js';
import { hasSignature, verifySigV4 } from '../tokens/sigv4.js';
import type { Caller } from '../tokens/caller.js';
import type { Services } from '../services.js';
import { requestInfo } from './request-context.js';
import { invoke, meter, toAwsError, type InvokeResult, type Invocation } from '../protocols/invoke.js';

/**
 * The AWS Query protocol adapter: `POST /` (form body) and `GET /?Action=…`, routed by Action
 * and Version. The whole pipeline reads as its steps:
 *   readBody → parseParams → route → invoke(authenticate → parseInput → run → audit) → respond
 * where everything after the wire is the executor every adapter shares (protocols/invoke.ts).
 * It is a plain (req, res) handler, not a chain of Express middleware: this is the hot path.
 */
const VERSION_TO_SERVICE = new Map<string, ServiceName>(
  (Object.entries(SERVICES) as [ServiceName, { version: string }][]).map(([s, v]) => [v.version, s]),
);
const UTF8 = new TextDecoder('utf-8', { fatal: true });
const FORM_TYPE = /^application\/x-www-form-urlencoded\s*(;.*)?$/i;
/** Bodies larger than this are not read at all; the connection is closed after the answer. */
const DISCARD_LIMIT = 64 * 1024 * 1024;

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

/** Action + Version → the operation; `seen.service` names the service as soon as the Version does (for the metrics of a refusal). */
function route(registry: OperationRegistry, params: Params, seen: { service?: ServiceName }): { service: ServiceName; routed: RoutedOperation } {
  const action = params.get('Action');
  if (action === undefined || action === '') throw Errors.missingAction();
  const version = params.get('Version');
  if (version === undefined || version === '') throw Errors.missingParameter('Version');
  const service = VERSION_TO_SERVICE.get(version);
  seen.service = service;
  const routed = service ? registry.get(service, action) : undefined;
  if (!service || !routed) throw Errors.unknownOperation(action, version);
  return { service, routed };
}

/** SigV4 (header or presigned query) → the caller; the access key id and region land on the invocation as soon as they are known. */
async function authenticate(services: Services, req: IncomingMessage, body: Buffer, inv: Invocation): Promise<Caller> {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  if (!hasSignature({ headers: req.headers, query: q === -1 ? '' : url.slice(q + 1) })) {
    throw Errors.missingAuthenticationToken();
  }
  let caller: Caller | null = null;
  const claims = await verifySigV4(
    { method: req.method ?? 'GET', url, headers: req.headers, body },
    {
      now: inv.info.now,
      services: [inv.service],
      keyCache: services.signingKeyCache,
      regions: services.regions,
      lookupSecret: async (accessKeyId, c) => {
        inv.accessKeyId = accessKeyId;
        const r = await services.credentials.resolve(accessKeyId, c.sessionToken, inv.info.now);
        if (!r) return null;
        caller = r.caller;
        return r.secret;
      },
    },
  );
  inv.info.region = claims.region;
  services.credentials.recordUse(inv.accessKeyId, inv.service, claims.region, inv.info.now);
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
  const { config, logger } = services;
  return async function awsQuery(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const start = process.hrtime.bigint();
    const info = requestInfo(req, services);
    const seen: { service?: ServiceName } = {};
    let result: InvokeResult<string>;
    let read: { body: Buffer; params: Params; service: ServiceName; routed: RoutedOperation } | undefined;
    try {
      const body = await readBody(req, config.maxBodyBytes);
      const params = parseParams(req, body);
      read = { body, params, ...route(registry, params, seen) };
    } catch (e) {
      // Refused before an operation was known: nothing ran, nothing to audit.
      const error = toAwsError(e, logger, info.requestId, undefined);
      meter(services, seen.service ?? 'unknown', 'unknown', error, start);
      result = { error };
    }
    if (read) {
      const { body, params, service, routed } = read;
      result = await invoke<string>(
        services,
        registry,
        { service, action: routed.op.name, params, caller: null, accessKeyId: undefined, info },
        {
          start,
          onResult: opts.onResult,
          authenticate: (inv) => authenticate(services, req, body, inv),
          render: (out) =>
            modelSuccessXml(routed.op.name, SERVICES[service].namespace, routed.model.output ? serializeQueryOutput(routed.model.output, out ?? {}, routed.omit) : undefined, info.requestId),
        },
      );
    }
    const { error, output } = result!;
    if (error) {
      const ns = seen.service ? SERVICES[seen.service].namespace : undefined;
      const rendered = renderQueryError(error, { requestId: info.requestId, namespace: ns });
      if (error.code === 'RequestEntityTooLarge' && !res.headersSent) res.setHeader('connection', 'close');
      send(res, error.status, info.requestId, rendered.body);
    } else {
      send(res, 200, info.requestId, output);
    }
  };
}
