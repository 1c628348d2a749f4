import { deleteInlineOperation } from './inline.js';
import { ROLE } from './entity.js';

export const DeleteRolePolicy = deleteInlineOperation(ROLE);
