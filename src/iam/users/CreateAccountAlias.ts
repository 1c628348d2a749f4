import { defineOperation } from '../../awsquery/operation.js';
import { Errors } from '../../errors/index.js';
import { isUniqueViolation, translatePgError } from '../../store/pg-errors.js';
import { authorize } from '../authorize.js';
import { readAlias } from './aliases.js';
import { accountOf } from './shared.js';

/** One alias per account (a new one replaces the old, as in AWS); unique across the installation. */
export const CreateAccountAlias = defineOperation({
  service: 'iam',
  name: 'CreateAccountAlias',
  auth: 'sigv4',
  parse: (p) => ({ AccountAlias: readAlias(p) }),
  run: async (ctx, i) => {
    await authorize(ctx, 'iam:CreateAccountAlias', '*');
    await ctx.services.db.tx(async (c) => {
      try {
        await c.query(
          `INSERT INTO account_aliases (account_id, alias, created_at) VALUES ($1, $2, $3)
           ON CONFLICT (account_id) DO UPDATE SET alias = EXCLUDED.alias, created_at = EXCLUDED.created_at`,
          [accountOf(ctx), i.AccountAlias, ctx.req.now],
        );
      } catch (e) {
        if (isUniqueViolation(translatePgError(e))) throw Errors.entityAlreadyExists(`The account alias ${i.AccountAlias} already exists.`);
        throw e;
      }
    });
    ctx.audit.accountAlias = i.AccountAlias;
    return {};
  },
});
