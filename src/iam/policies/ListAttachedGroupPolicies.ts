import { listAttachedOperation } from './attach.js';
import { GROUP } from './entity.js';

export const ListAttachedGroupPolicies = listAttachedOperation(GROUP);
