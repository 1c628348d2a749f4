import { deleteInlineOperation } from './inline.js';
import { USER } from './entity.js';

export const DeleteUserPolicy = deleteInlineOperation(USER);
