import { defineOperation } from '../../awsquery/operation.js';
import { authorizedSaml, readSamlArn } from './saml-common.js';
import { xmlTags } from './shared.js';

export const GetSAMLProvider = defineOperation({
  service: 'iam',
  name: 'GetSAMLProvider',
  auth: 'sigv4',
  parse: (p) => ({ arn: readSamlArn(p) }),
  run: (ctx, input) => authorizedSaml(ctx, 'GetSAMLProvider', input.arn),
  render: (p) => ({
    SAMLProviderUUID: p.uuid,
    SAMLMetadataDocument: p.metadataDocument,
    CreateDate: p.createdAt,
    ValidUntil: p.validUntil,
    Tags: xmlTags(p.tags),
  }),
});
