import { defineOperation } from '../protocols/operation.js';

/** Needs no permission and cannot be denied (AWS-CONTRACT.md). */
export const GetCallerIdentity = defineOperation({
  service: 'sts',
  name: 'GetCallerIdentity',
  auth: 'sigv4',
  run: async (ctx) => ({ UserId: ctx.caller.userId, Account: ctx.caller.accountId, Arn: ctx.caller.arn }),
});
