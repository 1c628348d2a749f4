import type { Operation } from '../../protocols/operation.js';
import { ListLoginSessions } from './ListLoginSessions.js';
import { RevokeLoginSession } from './RevokeLoginSession.js';
import { RevokeLoginSessions } from './RevokeLoginSessions.js';

/** Login sessions (issue 11): Tessera's IAM-namespace admin actions, authorized as tessera:<Action>. */
export const loginSessionOperations: Operation[] = [ListLoginSessions, RevokeLoginSession, RevokeLoginSessions];
