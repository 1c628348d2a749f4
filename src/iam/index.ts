import type { Operation } from '../awsquery/operation.js';

/** IAM actions (Version 2010-05-08): one line each. */
export const iamOperations: Operation<any, any>[] = [];
