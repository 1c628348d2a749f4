import type { Operation } from '../awsquery/operation.js';
import { GetCallerIdentity } from './GetCallerIdentity.js';
import { GetAccessKeyInfo } from './GetAccessKeyInfo.js';

/** STS actions (Version 2011-06-15): one line each. */
export const stsOperations: Operation<any, any>[] = [GetCallerIdentity, GetAccessKeyInfo];
