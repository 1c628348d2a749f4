import { defineOperation } from '../../awsquery/operation.js';
import { Errors } from '../../errors/index.js';
import { decodeMarker, paginate, readName, readPage, readPathPrefix } from '../common.js';
import { authorizedEntity, type EntityKind } from './entity.js';
import { MANAGED_POLICIES_PER_ENTITY, POLICY_ARN, readPolicyArn } from './shared.js';

/** Attach{User,Group,Role}Policy, Detach…, ListAttached…Policies for one entity kind. */
export function attachOperation(k: EntityKind) {
  return defineOperation({
    service: 'iam',
    name: `Attach${k.Kind}Policy`,
    auth: 'sigv4',
    parse: (p) => ({ name: readName(p, k.nameField, k.nameMax)!, arn: readPolicyArn(p)! }),
    async run(ctx, input) {
      const e = await authorizedEntity(ctx, k, input.name, `iam:Attach${k.Kind}Policy`, { 'iam:PolicyARN': input.arn });
      ctx.audit.policyArn = input.arn;
      if (!POLICY_ARN.test(input.arn)) throw Errors.invalidInput(`ARN ${input.arn} is not valid.`);
      await ctx.services.db.tx(async (c) => {
        const locked = await k.find(ctx, c, input.name, true);
        const p = await c.query<{ is_attachable: boolean }>(`SELECT is_attachable FROM policies WHERE arn = $1 AND (account_id = $2 OR account_id IS NULL)`, [
          input.arn,
          ctx.caller.accountId,
        ]);
        if (!p.rows[0]?.is_attachable) throw Errors.noSuchEntity(`Policy ${input.arn} does not exist or is not attachable.`);
        const n = await c.query<{ n: number; here: number }>(
          `SELECT count(*)::int AS n, count(*) FILTER (WHERE policy_arn = $2)::int AS here FROM ${k.attachTable} WHERE ${k.idCol} = $1`,
          [locked.id, input.arn],
        );
        const row = n.rows[0]!;
        if (row.here > 0) return;
        if (row.n >= MANAGED_POLICIES_PER_ENTITY) throw Errors.limitExceeded(`Cannot exceed quota for PoliciesPer${k.Kind}: ${MANAGED_POLICIES_PER_ENTITY}`);
        await c.query(`INSERT INTO ${k.attachTable} (${k.idCol}, policy_arn, attached_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, [locked.id, input.arn, ctx.req.now]);
        await k.invalidate(ctx, e, c);
      });
    },
  });
}

export function detachOperation(k: EntityKind) {
  return defineOperation({
    service: 'iam',
    name: `Detach${k.Kind}Policy`,
    auth: 'sigv4',
    parse: (p) => ({ name: readName(p, k.nameField, k.nameMax)!, arn: readPolicyArn(p)! }),
    async run(ctx, input) {
      const e = await authorizedEntity(ctx, k, input.name, `iam:Detach${k.Kind}Policy`, { 'iam:PolicyARN': input.arn });
      ctx.audit.policyArn = input.arn;
      // One transaction: the detach, its audit record and its invalidation commit together.
      await ctx.services.db.tx(async (c) => {
        const r = await c.query(`DELETE FROM ${k.attachTable} WHERE ${k.idCol} = $1 AND policy_arn = $2`, [e.id, input.arn]);
        if (r.rowCount === 0) {
          if (!POLICY_ARN.test(input.arn)) throw Errors.invalidInput(`ARN ${input.arn} is not valid.`);
          throw Errors.noSuchEntity(`Policy ${input.arn} was not found.`);
        }
        await k.invalidate(ctx, e, c);
      });
    },
  });
}

interface AttachedRow {
  policy_name: string;
  arn: string;
}

export function listAttachedOperation(k: EntityKind) {
  return defineOperation({
    service: 'iam',
    name: `ListAttached${k.Kind}Policies`,
    auth: 'sigv4',
    parse: (p) => ({ name: readName(p, k.nameField, k.nameMax)!, pathPrefix: readPathPrefix(p) ?? '/', page: readPage(p) }),
    async run(ctx, input) {
      const e = await authorizedEntity(ctx, k, input.name, `iam:ListAttached${k.Kind}Policies`);
      const r = await ctx.services.db.query<AttachedRow>(
        `SELECT p.policy_name, p.arn FROM ${k.attachTable} a JOIN policies p ON p.arn = a.policy_arn
          WHERE a.${k.idCol} = $1 AND starts_with(p.path, $2) AND (lower(p.policy_name) || ' ' || p.arn) COLLATE "C" > $3
          ORDER BY (lower(p.policy_name) || ' ' || p.arn) COLLATE "C" LIMIT $4`,
        [e.id, input.pathPrefix, decodeMarker(input.page.marker) ?? '', input.page.maxItems + 1],
      );
      return paginate(r.rows, input.page, (x) => `${x.policy_name.toLowerCase()} ${x.arn}`);
    },
    render: (o) => ({
      AttachedPolicies: o.items.map((x) => ({ PolicyName: x.policy_name, PolicyArn: x.arn })),
      IsTruncated: o.IsTruncated,
      Marker: o.Marker,
    }),
  });
}
