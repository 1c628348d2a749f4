import { defineOperation } from '../protocols/operation.js';
import { authorize } from '../iam/authorize.js';
import { decodeAuthorizationMessage } from './authorization-message.js';

/** Decodes an encoded authorization failure message; needs sts:DecodeAuthorizationMessage. */
export const DecodeAuthorizationMessage = defineOperation({
  service: 'sts',
  name: 'DecodeAuthorizationMessage',
  auth: 'sigv4',
  async run(ctx, input) {
    await authorize(ctx, 'sts:DecodeAuthorizationMessage', '*');
    const decoded = await decodeAuthorizationMessage(ctx.services, ctx.caller.accountId, input.EncodedMessage.trim(), ctx.req.now);
    return { DecodedMessage: decoded };
  },
});
