import { defineOperation } from '../../protocols/operation.js';
import { authorizedOidc } from './oidc-common.js';
import { tagShapes } from './shared.js';

export const GetOpenIDConnectProvider = defineOperation({
  service: 'iam',
  name: 'GetOpenIDConnectProvider',
  auth: 'sigv4',
  async run(ctx, input) {
    const p = await authorizedOidc(ctx, 'GetOpenIDConnectProvider', input.OpenIDConnectProviderArn);
    return { Url: p.resource, ClientIDList: p.clientIds, ThumbprintList: p.thumbprints, CreateDate: p.createdAt, Tags: tagShapes(p.tags) };
  },
});
