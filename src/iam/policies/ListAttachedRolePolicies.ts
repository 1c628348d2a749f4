import { listAttachedOperation } from './attach.js';
import { ROLE } from './entity.js';

export const ListAttachedRolePolicies = listAttachedOperation(ROLE);
