import { attachOperation } from './attach.js';
import { GROUP } from './entity.js';

export const AttachGroupPolicy = attachOperation(GROUP);
