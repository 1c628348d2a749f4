import { defineOperation } from '../../awsquery/operation.js';
import { Errors } from '../../errors/index.js';
import { authorize } from '../authorize.js';
import { loadPolicy } from './password.js';
import { accountOf } from './shared.js';

export const noPasswordPolicy = (accountId: string) => Errors.noSuchEntity(`The Password Policy with domain name ${accountId} cannot be found.`);

export const GetAccountPasswordPolicy = defineOperation({
  service: 'iam',
  name: 'GetAccountPasswordPolicy',
  auth: 'sigv4',
  parse: () => ({}),
  run: async (ctx) => {
    await authorize(ctx, 'iam:GetAccountPasswordPolicy', '*');
    const policy = await loadPolicy(ctx.services.db, accountOf(ctx));
    if (!policy) throw noPasswordPolicy(accountOf(ctx));
    return { PasswordPolicy: { ...policy } };
  },
  render: (o) => o,
});
