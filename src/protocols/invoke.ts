import { AwsError, Errors, isAwsError } from '../errors/index.js';
import { SERVICES, type AuthedContext, type OpContext, type Operation, type RequestInfo, type ServiceName } from './operation.js';
import type { OperationModel } from './model.js';
import type { Params } from './query-input.js';
import { parseQueryInput } from './query-input.js';
import type { Caller } from '../tokens/caller.js';
import type { Services } from '../services.js';
import { createStore } from '../store/store.js';
import type { AuditEvent } from '../audit/log.js';
import { enforceCredentialScope } from '../sts/restrictions.js';
import { authorizeMissing } from '../iam/authorize.js';
import { withEncodedMessage } from '../sts/authorization-message.js';

/**
 * The executor: one AWS operation for one request, everything after the wire is read and the
 * caller known. The Query adapter (src/http/awsquery.ts) and the console (src/console) both run
 * their calls here, so validation, authorization, audit and metrics are one pipeline:
 *   route → (authenticate) → enforceCredentialScope → parseQueryInput → run → render
 *         → authorizeMissing (NoSuchEntity) → encoded AccessDenied → audit → metrics
 * - input is Query-style parameters (`Tags.member.1.Key`), read and checked against the model
 *   with AWS's validation messages (parseQueryInput);
 * - IAM operations see `auditedServices`: every transaction writes this call's success audit
 *   event and an outbox invalidation with the change (see below);
 * - a NoSuchEntity is only revealed to a caller allowed the action (authorizeMissing); an
 *   AccessDenied carrying authorize()'s decision gets AWS's encoded message;
 * - one audit event per call (the transaction's own row, or written here); when it cannot be
 *   written the answer is ServiceUnavailable (503), never a success that left no record;
 * - tessera_requests_total / latency by service, action and outcome.
 * Never throws: the result is the output (or what `render` made of it) or an AwsError.
 */
/** The operation table (src/http/registry.ts's OperationRegistry): (service, action) → operation and its model. */
export interface OperationTable {
  get(service: ServiceName, action: string): RoutedOperation | undefined;
}
export interface RoutedOperation {
  op: Operation;
  model: OperationModel;
  /** Output members AWS leaves out of this action's answer. */
  omit: ReadonlySet<string> | undefined;
}

export interface InvokeRequest {
  service: ServiceName;
  action: string;
  params: Params;
  /** The authenticated caller; null when the adapter authenticates (opts.authenticate) or the action is unsigned. */
  caller: Caller | null;
  /** The caller's access key id, for the audit record. */
  accessKeyId: string | undefined;
  info: RequestInfo;
  /** Audit detail fields of the caller's path (e.g. `{ via: 'console', loginSessionId }`); never secrets. */
  auditExtra?: Record<string, unknown> | undefined;
}

export type InvokeResult<T = unknown> = { output: T; error?: undefined } | { error: AwsError; output?: undefined };

export interface InvokeOptions<T> {
  /**
   * The adapter's authentication, for a signed action given no caller (SigV4 of the Query
   * adapter); it may set `inv.accessKeyId` and `inv.info.region` as it learns them. Its failure
   * is audited like any other.
   */
  authenticate?: (inv: Invocation) => Promise<Caller>;
  /** Sees every result before it is rendered (the tests' output-shape check). */
  onResult?: ((service: ServiceName, action: string, result: unknown) => void) | undefined;
  /** Turns the output into the adapter's answer, inside the pipeline (a failure is this call's error). */
  render?: (output: unknown, routed: RoutedOperation) => T;
  /** When the adapter started on this request (process.hrtime.bigint()), for the latency metric. */
  start?: bigint;
}

/** One call in flight: what the audit record and metrics are made of. */
export interface Invocation {
  info: RequestInfo;
  service: ServiceName;
  action: string;
  caller: Caller | null;
  accessKeyId: string | undefined;
  audit: Record<string, unknown>;
  /** Set when the operation's transaction already wrote this call's success event. */
  auditRow: { id: number; detail: string } | undefined;
}

export async function invoke<T = unknown>(services: Services, registry: OperationTable, request: InvokeRequest, opts: InvokeOptions<T> = {}): Promise<InvokeResult<T>> {
  const start = opts.start ?? process.hrtime.bigint();
  const inv: Invocation = {
    info: request.info,
    service: request.service,
    action: request.action,
    caller: null,
    accessKeyId: request.accessKeyId,
    audit: request.auditExtra ? { ...request.auditExtra } : {},
    auditRow: undefined,
  };
  const routed = registry.get(request.service, request.action);
  if (!routed) {
    // Not an operation: nothing ran, nothing to audit (as an unknown Action on the wire).
    const error = Errors.unknownOperation(request.action, SERVICES[request.service].version);
    meter(services, request.service, 'unknown', error, start);
    return { error };
  }
  let output: T | undefined;
  let error: AwsError | undefined;
  let ctx: OpContext | undefined;
  try {
    const op = routed.op;
    if (op.auth === 'sigv4') {
      inv.caller = request.caller ?? (opts.authenticate ? await opts.authenticate(inv) : null);
      if (!inv.caller) throw Errors.missingAuthenticationToken();
      enforceCredentialScope(inv.caller, inv.service, op.name);
    }
    const input = parseQueryInput(routed.model.input, request.params);
    ctx = { req: inv.info, caller: inv.caller, services: inv.service === 'iam' ? auditedServices(services, inv) : services, audit: inv.audit };
    const out = await op.run(ctx, input);
    opts.onResult?.(inv.service, op.name, out ?? undefined);
    output = opts.render ? opts.render(out, routed) : (out as T);
  } catch (e) {
    error = toAwsError(e, services.logger, inv.info.requestId, inv.action);
    if (error.code === 'NoSuchEntity' && ctx?.caller && inv.service === 'iam') {
      error = await authorizeMissing(ctx as AuthedContext, `iam:${inv.action}`, error);
    }
    if (error.code === 'AccessDenied') error = await withEncodedMessage(services, error, inv.caller?.accountId, inv.info.now);
  }
  try {
    if (inv.auditRow && !error) {
      // Written with the change itself; add what the operation noted after its commit. The
      // change and its success record have committed: losing the database now must not turn
      // the answer into a failure, so a failed detail update is only logged.
      const detail = JSON.stringify(inv.audit);
      if (detail !== inv.auditRow.detail) {
        await services.store.audit.updateDetail(inv.auditRow.id, detail).catch((err: unknown) => {
          services.logger.warn({ err, requestId: inv.info.requestId }, 'audit detail update failed after commit; the success record stands');
        });
      }
    } else {
      await services.audit.record(auditEvent(inv, error));
    }
  } catch (e) {
    services.logger.error({ err: e, requestId: inv.info.requestId }, 'audit write failed; refusing to answer');
    // An "outcome unknown" 503 keeps its message: the caller must still learn that the change
    // may have been applied.
    error = error?.detail?.outcome === 'unknown' ? error : Errors.serviceUnavailable();
  }
  meter(services, inv.service, inv.action, error, start);
  return error ? { error } : { output: output as T };
}

/** The request counter and latency histogram of one answered call. */
export function meter(services: Pick<Services, 'metrics'>, service: string, action: string, error: AwsError | undefined, start: bigint): void {
  services.metrics.requests.inc({ service, action, outcome: error ? error.code : 'success' });
  services.metrics.latency.observe({ service, action }, Number(process.hrtime.bigint() - start) / 1e9);
}

function auditEvent(inv: Invocation, error: AwsError | undefined): AuditEvent {
  return {
    time: inv.info.now,
    requestId: inv.info.requestId,
    service: inv.service,
    action: inv.action,
    accountId: inv.caller?.accountId,
    principalArn: inv.caller?.arn,
    principalId: inv.caller?.userId,
    accessKeyId: inv.accessKeyId,
    sourceIp: inv.info.sourceIp,
    userAgent: inv.info.userAgent,
    // A change whose commit was cut off may have been applied: neither success nor failure.
    outcome: error?.detail?.outcome === 'unknown' ? 'unknown' : error ? 'failure' : 'success',
    errorCode: error?.code,
    detail: inv.audit,
  };
}

/**
 * The services an operation sees: the same, except that
 * - `store.tx()` also writes this call's success audit event inside the transaction, so a change
 *   and its audit record commit together (or not at all); the executor then does not write the
 *   event again;
 * - every such transaction also records an invalidation in the outbox (store/outbox.ts): the
 *   operation's own when it passes the transaction to `invalidate(m, t)`, else a catch-all
 *   `{kind:'all'}`, so no IAM change can commit without every replica dropping what it cached;
 * - `invalidate(m)` after such a commit is then only the local drop and the Redis fast path:
 *   the durable record already committed with the change, so the request cannot fail after it.
 */
function auditedServices(services: Services, inv: Invocation): Services {
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
      if (!inv.auditRow) {
        const [id] = await t.audit.insert([auditEvent(inv, undefined)]);
        inv.auditRow = { id: id!, detail: JSON.stringify(inv.audit) };
      }
    },
    committed() {
      committedInvalidation = true;
    },
    failed() {
      precise = false;
      // Rolled back (or unknown): this transaction's audit row is not known to exist.
      if (!committedInvalidation) inv.auditRow = undefined;
    },
  });
  return { ...services, store, invalidate };
}

/** Any error as the AwsError to answer with: unexposed ones (and foreign errors) are logged and become InternalFailure (503s keep theirs). */
export function toAwsError(e: unknown, logger: Services['logger'], requestId: string, action: string | undefined): AwsError {
  if (isAwsError(e)) {
    if (!e.expose) {
      logger.error({ err: e, requestId, action }, 'request failed');
      return e.status === 503 ? e : Errors.internal(e);
    }
    return e;
  }
  logger.error({ err: e, requestId, action }, 'unhandled error');
  return Errors.internal(e);
}
