import { getInlineOperation } from './inline.js';
import { GROUP } from './entity.js';

export const GetGroupPolicy = getInlineOperation(GROUP);
