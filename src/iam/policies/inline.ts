import { defineOperation } from '../../awsquery/operation.js';
import { Errors } from '../../errors/index.js';
import { policySize } from '../../policy/index.js';
import { decodeMarker, encodeDocument, paginate, readName, readPage } from '../common.js';
import { authorizedEntity, type EntityKind } from './entity.js';
import { readDocument, readPolicyName, validateDocument } from './shared.js';

/** Put/Get/Delete/List{User,Group,Role}Policy (inline policies) for one entity kind. */
const notFound = (k: EntityKind, name: string) => Errors.noSuchEntity(`The ${k.kind} policy with name ${name} cannot be found.`);

export function putInlineOperation(k: EntityKind) {
  return defineOperation({
    service: 'iam',
    name: `Put${k.Kind}Policy`,
    auth: 'sigv4',
    parse: (p) => ({ name: readName(p, k.nameField, k.nameMax)!, policyName: readPolicyName(p)!, document: readDocument(p, 'PolicyDocument')! }),
    async run(ctx, input) {
      const e = await authorizedEntity(ctx, k, input.name, `iam:Put${k.Kind}Policy`);
      ctx.audit.policyName = input.policyName;
      validateDocument(input.document, 'identity');
      await ctx.services.db.tx(async (c) => {
        const locked = await k.find(ctx, c, input.name, true);
        const others = await c.query<{ document: string }>(`SELECT document FROM ${k.inlineTable} WHERE ${k.idCol} = $1 AND policy_name <> $2`, [locked.id, input.policyName]);
        const total = others.rows.reduce((n, r) => n + policySize(r.document), policySize(input.document));
        if (total > k.inlineQuota) throw Errors.limitExceeded(`Maximum policy size of ${k.inlineQuota} bytes exceeded for ${k.kind} ${locked.name}`);
        await c.query(
          `INSERT INTO ${k.inlineTable} (${k.idCol}, policy_name, document, created_at) VALUES ($1, $2, $3, $4)
           ON CONFLICT (${k.idCol}, policy_name) DO UPDATE SET document = EXCLUDED.document`,
          [locked.id, input.policyName, input.document, ctx.req.now],
        );
        await k.invalidate(ctx, e, c);
      });
    },
  });
}

export function getInlineOperation(k: EntityKind) {
  return defineOperation({
    service: 'iam',
    name: `Get${k.Kind}Policy`,
    auth: 'sigv4',
    parse: (p) => ({ name: readName(p, k.nameField, k.nameMax)!, policyName: readPolicyName(p)! }),
    async run(ctx, input) {
      const e = await authorizedEntity(ctx, k, input.name, `iam:Get${k.Kind}Policy`);
      const r = await ctx.services.db.query<{ policy_name: string; document: string }>(
        `SELECT policy_name, document FROM ${k.inlineTable} WHERE ${k.idCol} = $1 AND policy_name = $2`,
        [e.id, input.policyName],
      );
      const row = r.rows[0];
      if (!row) throw notFound(k, input.policyName);
      return { entity: e.name, policyName: row.policy_name, document: row.document };
    },
    render: (o) => ({ [k.nameField]: o.entity, PolicyName: o.policyName, PolicyDocument: encodeDocument(o.document) }),
  });
}

export function deleteInlineOperation(k: EntityKind) {
  return defineOperation({
    service: 'iam',
    name: `Delete${k.Kind}Policy`,
    auth: 'sigv4',
    parse: (p) => ({ name: readName(p, k.nameField, k.nameMax)!, policyName: readPolicyName(p)! }),
    async run(ctx, input) {
      const e = await authorizedEntity(ctx, k, input.name, `iam:Delete${k.Kind}Policy`);
      ctx.audit.policyName = input.policyName;
      await ctx.services.db.tx(async (c) => {
        const r = await c.query(`DELETE FROM ${k.inlineTable} WHERE ${k.idCol} = $1 AND policy_name = $2`, [e.id, input.policyName]);
        if (r.rowCount === 0) throw notFound(k, input.policyName);
        await k.invalidate(ctx, e, c);
      });
    },
  });
}

export function listInlineOperation(k: EntityKind) {
  return defineOperation({
    service: 'iam',
    name: `List${k.Kind}Policies`,
    auth: 'sigv4',
    parse: (p) => ({ name: readName(p, k.nameField, k.nameMax)!, page: readPage(p) }),
    async run(ctx, input) {
      const e = await authorizedEntity(ctx, k, input.name, `iam:List${k.Kind}Policies`);
      const r = await ctx.services.db.query<{ policy_name: string }>(
        `SELECT policy_name FROM ${k.inlineTable} WHERE ${k.idCol} = $1 AND policy_name COLLATE "C" > $2 ORDER BY policy_name COLLATE "C" LIMIT $3`,
        [e.id, decodeMarker(input.page.marker) ?? '', input.page.maxItems + 1],
      );
      return paginate(r.rows, input.page, (x) => x.policy_name);
    },
    render: (o) => ({ PolicyNames: o.items.map((x) => x.policy_name), IsTruncated: o.IsTruncated, Marker: o.Marker }),
  });
}
