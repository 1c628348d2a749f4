import { detachOperation } from './attach.js';
import { USER } from './entity.js';

export const DetachUserPolicy = detachOperation(USER);
