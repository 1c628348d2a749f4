import type { Operation } from '../../awsquery/operation.js';
import { CreateRole } from './CreateRole.js';
import { GetRole } from './GetRole.js';
import { ListRoles } from './ListRoles.js';

/** Roles, managed policies and versions, attachments, inline policies, boundaries, tags. */
export const policyOperations: Operation<any, any>[] = [CreateRole, GetRole, ListRoles];
