import type { Operation } from '../../awsquery/operation.js';

/** Users, groups, access keys, login profiles, password policy, MFA devices, account aliases. */
export const userOperations: Operation<any, any>[] = [];
