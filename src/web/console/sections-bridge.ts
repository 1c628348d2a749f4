import type { RequestInfo } from '../../protocols/operation.js';
import { invoke } from '../../protocols/invoke.js';
import { OperationRegistry } from '../../http/registry.js';
import type { Services } from '../../services.js';
import type { Caller } from '../../tokens/caller.js';
import { iamOperations } from '../../iam/index.js';
import { stsOperations } from '../../sts/index.js';

/**
 * One IAM-namespace call of the console, as the person's console role session: through the
 * executor every Query request runs through (src/protocols/invoke.ts) — credential scope, the
 * model's validation with AWS's messages, the operation, authorizeMissing for a NoSuchEntity,
 * AWS's encoded AccessDenied, one audit event (in the change's transaction, with `via:
 * console`), ServiceUnavailable when it cannot be written, and the request metrics. A refusal
 * is thrown as the AwsError AWS would answer.
 */
let registry: OperationRegistry | undefined;
const table = () => (registry ??= new OperationRegistry([...stsOperations, ...iamOperations]));

export interface ConsoleCall {
  caller: Caller;
  accessKeyId: string;
  info: RequestInfo;
  action: string;
  params: Record<string, string | undefined>;
  /** Audit detail of the console path (via, loginSessionId); never a secret. */
  auditExtra: Record<string, unknown>;
}

export async function callAsRoleSession(services: Services, c: ConsoleCall): Promise<unknown> {
  const params = new Map<string, string>();
  for (const [k, v] of Object.entries(c.params)) if (v !== undefined) params.set(k, v);
  const r = await invoke(services, table(), { service: 'iam', action: c.action, params, caller: c.caller, accessKeyId: c.accessKeyId, info: c.info, auditExtra: c.auditExtra });
  if (r.error) throw r.error;
  return r.output ?? {};
}
