import { putBoundaryOperation } from './boundary.js';
import { ROLE } from './entity.js';

export const PutRolePermissionsBoundary = putBoundaryOperation(ROLE);
