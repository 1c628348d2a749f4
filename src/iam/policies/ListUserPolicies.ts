import { listInlineOperation } from './inline.js';
import { USER } from './entity.js';

export const ListUserPolicies = listInlineOperation(USER);
