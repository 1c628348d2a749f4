import { attachOperation } from './attach.js';
import { ROLE } from './entity.js';

export const AttachRolePolicy = attachOperation(ROLE);
