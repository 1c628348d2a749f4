import { defineOperation } from '../../protocols/operation.js';
import { signInConnectorSortKey } from '../../store/sign-in-connectors.js';
import { authorize } from '../authorize.js';
import { decodeMarker, paginate } from '../common.js';
import { connectorArn, connectorShape } from './shared.js';

/** Tessera extension: the account's connectors in id order (Marker/MaxItems), secrets by name only. */
export const ListSignInConnectors = defineOperation({
  service: 'iam',
  name: 'ListSignInConnectors',
  auth: 'sigv4',
  async run(ctx, input) {
    const maxItems = input.MaxItems ?? 100;
    await authorize(ctx, 'tessera:ListSignInConnectors', connectorArn(ctx, '*'));
    const rows = await ctx.services.store.signInConnectors.page(ctx.caller.accountId, { after: decodeMarker(input.Marker), limit: maxItems + 1 });
    const page = paginate(rows, { marker: input.Marker, maxItems }, signInConnectorSortKey);
    return { SignInConnectors: page.items.map((r) => connectorShape(ctx, r)), IsTruncated: page.IsTruncated, ...(page.Marker ? { Marker: page.Marker } : {}) };
  },
});
