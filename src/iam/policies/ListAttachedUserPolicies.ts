import { listAttachedOperation } from './attach.js';
import { USER } from './entity.js';

export const ListAttachedUserPolicies = listAttachedOperation(USER);
