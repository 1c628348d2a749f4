import { defineOperation } from '../../awsquery/operation.js';
import { xmlTags } from './shared.js';
import { authorizedOidc, readOidcArn } from './oidc-common.js';

export const GetOpenIDConnectProvider = defineOperation({
  service: 'iam',
  name: 'GetOpenIDConnectProvider',
  auth: 'sigv4',
  parse: (p) => ({ arn: readOidcArn(p) }),
  run: (ctx, input) => authorizedOidc(ctx, 'GetOpenIDConnectProvider', input.arn),
  render: (p) => ({
    Url: p.resource,
    ClientIDList: p.clientIds,
    ThumbprintList: p.thumbprints,
    CreateDate: p.createdAt,
    Tags: xmlTags(p.tags),
  }),
});
