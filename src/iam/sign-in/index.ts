import type { Operation } from '../../protocols/operation.js';
import { CreateSignInConnector } from './CreateSignInConnector.js';
import { GetSignInConnector } from './GetSignInConnector.js';
import { ListSignInConnectors } from './ListSignInConnectors.js';
import { UpdateSignInConnector } from './UpdateSignInConnector.js';
import { DeleteSignInConnector } from './DeleteSignInConnector.js';

/** Sign-in connectors (issue 11): Tessera's own IAM-namespace actions, authorized as tessera:<Action>. */
export const signInConnectorOperations: Operation[] = [CreateSignInConnector, GetSignInConnector, ListSignInConnectors, UpdateSignInConnector, DeleteSignInConnector];
