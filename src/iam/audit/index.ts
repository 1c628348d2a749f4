import type { Operation } from '../../protocols/operation.js';
import { LookupAuditEvents } from './LookupAuditEvents.js';

/** The audit log's read action (issue 12): a Tessera extension in the IAM namespace, authorized as tessera:LookupAuditEvents. */
export const auditOperations: Operation[] = [LookupAuditEvents];
