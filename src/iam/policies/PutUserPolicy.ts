import { putInlineOperation } from './inline.js';
import { USER } from './entity.js';

export const PutUserPolicy = putInlineOperation(USER);
