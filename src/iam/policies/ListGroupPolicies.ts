import { listInlineOperation } from './inline.js';
import { GROUP } from './entity.js';

export const ListGroupPolicies = listInlineOperation(GROUP);
