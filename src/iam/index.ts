import type { Operation } from '../awsquery/operation.js';
import { userOperations } from './users/index.js';
import { policyOperations } from './policies/index.js';
import { providerOperations } from './providers/index.js';

/** IAM actions (Version 2010-05-08), registered per area. */
export const iamOperations: Operation<any, any>[] = [...userOperations, ...policyOperations, ...providerOperations];
