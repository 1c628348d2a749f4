import { putInlineOperation } from './inline.js';
import { ROLE } from './entity.js';

export const PutRolePolicy = putInlineOperation(ROLE);
