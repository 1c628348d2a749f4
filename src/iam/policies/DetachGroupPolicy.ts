import { detachOperation } from './attach.js';
import { GROUP } from './entity.js';

export const DetachGroupPolicy = detachOperation(GROUP);
