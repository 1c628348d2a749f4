import type { Operation } from '../../awsquery/operation.js';

/** Roles, managed policies and versions, attachments, inline policies, boundaries, tags. */
export const policyOperations: Operation<any, any>[] = [];
