import { attachOperation } from './attach.js';
import { USER } from './entity.js';

export const AttachUserPolicy = attachOperation(USER);
