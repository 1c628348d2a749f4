import { defineOperation } from '../../protocols/operation.js';
import { authorize } from '../authorize.js';
import { connectorArn, connectorShape, notFound } from './shared.js';

/** Tessera extension: one connector of the account, with the names of its secrets (never their values). */
export const GetSignInConnector = defineOperation({
  service: 'iam',
  name: 'GetSignInConnector',
  auth: 'sigv4',
  async run(ctx, input) {
    await authorize(ctx, 'tessera:GetSignInConnector', connectorArn(ctx, input.Id));
    const row = await ctx.services.store.signInConnectors.get(ctx.caller.accountId, input.Id);
    if (!row) throw notFound(input.Id);
    return { SignInConnector: connectorShape(ctx, row) };
  },
});
