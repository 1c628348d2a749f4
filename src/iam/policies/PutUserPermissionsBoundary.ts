import { putBoundaryOperation } from './boundary.js';
import { USER } from './entity.js';

export const PutUserPermissionsBoundary = putBoundaryOperation(USER);
