import { getInlineOperation } from './inline.js';
import { USER } from './entity.js';

export const GetUserPolicy = getInlineOperation(USER);
