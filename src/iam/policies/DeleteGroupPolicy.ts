import { deleteInlineOperation } from './inline.js';
import { GROUP } from './entity.js';

export const DeleteGroupPolicy = deleteInlineOperation(GROUP);
