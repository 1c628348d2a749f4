import { AwsError, Errors, isAwsError } from '../../errors/index.js';
import type { AuthedContext, RequestInfo } from '../../protocols/operation.js';
import { parseQueryInput } from '../../protocols/query-input.js';
import { OperationRegistry } from '../../http/registry.js';
import type { Services } from '../../services.js';
import type { Caller } from '../../tokens/caller.js';
import { createStore } from '../../store/store.js';
import type { AuditEvent } from '../../audit/log.js';
import { enforceCredentialScope } from '../../sts/restrictions.js';
import { authorizeMissing } from '../../iam/authorize.js';
import { withEncodedMessage } from '../../sts/authorization-message.js';
import { iamOperations } from '../../iam/index.js';
import { stsOperations } from '../../sts/index.js';

/**
 * TEMPORARY BRIDGE — to be replaced by the console framework's executor (src/protocols/invoke.ts,
 * `cx.call`) when it lands: it runs one IAM-namespace operation for an already-resolved caller
 * the way the Query adapter (src/http/awsquery.ts) does: credential scope, the model's
 * validation (parseQueryInput from Query-style params), the operation, authorizeMissing for a
 * NoSuchEntity, AWS's encoded AccessDenied, one audit event per call (written inside the
 * operation's transaction together with an outbox invalidation when it changed something), and
 * ServiceUnavailable when the audit record cannot be written; the request metrics by action.
 */
let registry: OperationRegistry | undefined;
const table = () => (registry ??= new OperationRegistry([...stsOperations, ...iamOperations]));

export interface BridgeCall {
  caller: Caller;
  accessKeyId: string;
  info: RequestInfo;
  action: string;
  params: Record<string, string | undefined>;
  /** Audit detail of the console path (via, loginSessionId); never a secret. */
  auditExtra: Record<string, unknown>;
}

export async function callAsRoleSession(services: Services, c: BridgeCall): Promise<unknown> {
  const start = process.hrtime.bigint();
  const audit: Record<string, unknown> = { ...c.auditExtra };
  let auditRow: { id: number; detail: string } | undefined;
  const event = (error: AwsError | undefined): AuditEvent => ({
    time: c.info.now,
    requestId: c.info.requestId,
    service: 'iam',
    action: c.action,
    accountId: c.caller.accountId,
    principalArn: c.caller.arn,
    principalId: c.caller.userId,
    accessKeyId: c.accessKeyId,
    sourceIp: c.info.sourceIp,
    userAgent: c.info.userAgent,
    outcome: error?.detail?.outcome === 'unknown' ? 'unknown' : error ? 'failure' : 'success',
    errorCode: error?.code,
    detail: audit,
  });
  let precise = false;
  let committed = false;
  const store = createStore(services.db, {
    async beforeCommit(t) {
      if (!precise) await t.outbox.write([{ kind: 'all' }]);
      precise = false;
      if (!auditRow) {
        const [id] = await t.audit.insert([event(undefined)]);
        auditRow = { id: id!, detail: JSON.stringify(audit) };
      }
    },
    committed() {
      committed = true;
    },
    failed() {
      precise = false;
      if (!committed) auditRow = undefined;
    },
  });
  const invalidate: Services['invalidate'] = async (m, within) => {
    if (within) {
      precise = true;
      return services.invalidate(m, within);
    }
    if (committed) return services.invalidateFast(m);
    return services.invalidate(m);
  };
  const ctx: AuthedContext = { req: c.info, caller: c.caller, services: { ...services, store, invalidate }, audit };
  let out: unknown;
  let error: AwsError | undefined;
  try {
    const routed = table().get('iam', c.action);
    if (!routed) throw Errors.unknownOperation(c.action, '2010-05-08');
    enforceCredentialScope(c.caller, 'iam', c.action);
    const params = new Map(Object.entries(c.params).filter((e): e is [string, string] => e[1] !== undefined));
    const input = parseQueryInput(routed.model.input, params);
    out = (await routed.op.run(ctx, input)) ?? {};
  } catch (e) {
    error = isAwsError(e) && e.expose ? e : isAwsError(e) && e.status === 503 ? e : Errors.internal(e);
    if (!isAwsError(e) || !e.expose) services.logger.error({ err: e, requestId: c.info.requestId, action: c.action }, 'console call failed');
    if (error.code === 'NoSuchEntity') error = await authorizeMissing(ctx, `iam:${c.action}`, error);
    if (error.code === 'AccessDenied') error = await withEncodedMessage(services, error, c.caller.accountId, c.info.now);
  }
  try {
    if (auditRow && !error) {
      const detail = JSON.stringify(audit);
      if (detail !== auditRow.detail) await services.store.audit.updateDetail(auditRow.id, detail).catch(() => undefined);
    } else {
      await services.audit.record(event(error));
    }
  } catch (e) {
    services.logger.error({ err: e, requestId: c.info.requestId }, 'audit write failed; refusing to answer');
    throw error?.detail?.outcome === 'unknown' ? error : Errors.serviceUnavailable();
  }
  services.metrics.requests.inc({ service: 'iam', action: c.action, outcome: error ? error.code : 'success' });
  services.metrics.latency.observe({ service: 'iam', action: c.action }, Number(process.hrtime.bigint() - start) / 1e9);
  if (error) throw error;
  return out;
}
