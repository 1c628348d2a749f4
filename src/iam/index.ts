import type { Operation } from '../protocols/operation.js';
import { userOperations } from './users/index.js';
import { policyOperations } from './policies/index.js';
import { providerOperations } from './providers/index.js';
import { signInConnectorOperations } from './sign-in/index.js';
import { loginSessionOperations } from '../sso/admin/index.js';
import { auditOperations } from './audit/index.js';

/** IAM actions (Version 2010-05-08), registered per area. */
export const iamOperations: Operation[] = [...userOperations, ...policyOperations, ...providerOperations, ...signInConnectorOperations, ...loginSessionOperations, ...auditOperations];
