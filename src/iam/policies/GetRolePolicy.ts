import { getInlineOperation } from './inline.js';
import { ROLE } from './entity.js';

export const GetRolePolicy = getInlineOperation(ROLE);
