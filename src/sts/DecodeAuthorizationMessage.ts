import { defineOperation } from '../awsquery/operation.js';
import { authorize } from '../iam/authorize.js';
import { decodeAuthorizationMessage } from './authorization-message.js';

/** Decodes an encoded authorization failure message; needs sts:DecodeAuthorizationMessage. */
export const DecodeAuthorizationMessage = defineOperation({
  service: 'sts',
  name: 'DecodeAuthorizationMessage',
  auth: 'sigv4',
  parse: (p) => ({ encodedMessage: p.string('EncodedMessage', { required: true, min: 1, max: 10240, pattern: /^[\u0009\u000A\u000D\u0020-\u007E\u0085\u00A0-\uD7FF\uE000-\uFFFD]+$/u, patternText: '[\\u0009\\u000A\\u000D\\u0020-\\u007E\\u0085\\u00A0-\\uD7FF\\uE000-\\uFFFD\\u10000-\\u10FFFF]+' }) }),
  run: async (ctx, input) => {
    await authorize(ctx, 'sts:DecodeAuthorizationMessage', '*');
    const decoded = await decodeAuthorizationMessage(ctx.services, ctx.caller.accountId, input.encodedMessage.trim(), ctx.req.now);
    return { DecodedMessage: decoded };
  },
  render: (o) => o,
});
