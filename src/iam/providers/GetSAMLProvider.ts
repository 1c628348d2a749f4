import { defineOperation } from '../../protocols/operation.js';
import { authorizedSaml } from './saml-common.js';
import { tagShapes } from './shared.js';

export const GetSAMLProvider = defineOperation({
  service: 'iam',
  name: 'GetSAMLProvider',
  auth: 'sigv4',
  async run(ctx, input) {
    const p = await authorizedSaml(ctx, 'GetSAMLProvider', input.SAMLProviderArn);
    return { SAMLProviderUUID: p.uuid, SAMLMetadataDocument: p.metadataDocument, CreateDate: p.createdAt, ValidUntil: p.validUntil, Tags: tagShapes(p.tags) };
  },
});
