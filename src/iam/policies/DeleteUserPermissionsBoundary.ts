import { deleteBoundaryOperation } from './boundary.js';
import { USER } from './entity.js';

export const DeleteUserPermissionsBoundary = deleteBoundaryOperation(USER);
