import { defineOperation } from '../../protocols/operation.js';
import { authorize } from '../authorize.js';
import { connectorArn, notFound } from './shared.js';

/**
 * Tessera extension: delete a connector. Sign-ins through it stop on every replica (its
 * registry reloads); sessions it made before are not ended here (RevokeSession does that).
 */
export const DeleteSignInConnector = defineOperation({
  service: 'iam',
  name: 'DeleteSignInConnector',
  auth: 'sigv4',
  async run(ctx, input) {
    await authorize(ctx, 'tessera:DeleteSignInConnector', connectorArn(ctx, input.Id));
    ctx.audit.signInConnector = { id: input.Id };
    await ctx.services.store.tx(async (t) => {
      if (!(await t.signInConnectors.delete(ctx.caller.accountId, input.Id))) throw notFound(input.Id);
      await ctx.services.invalidate({ kind: 'sign-in-connector', connectorId: input.Id }, t);
    });
  },
});
