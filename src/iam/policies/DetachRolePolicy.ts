import { detachOperation } from './attach.js';
import { ROLE } from './entity.js';

export const DetachRolePolicy = detachOperation(ROLE);
