import { deleteBoundaryOperation } from './boundary.js';
import { ROLE } from './entity.js';

export const DeleteRolePermissionsBoundary = deleteBoundaryOperation(ROLE);
