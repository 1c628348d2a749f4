import { putInlineOperation } from './inline.js';
import { GROUP } from './entity.js';

export const PutGroupPolicy = putInlineOperation(GROUP);
