import { listInlineOperation } from './inline.js';
import { ROLE } from './entity.js';

export const ListRolePolicies = listInlineOperation(ROLE);
