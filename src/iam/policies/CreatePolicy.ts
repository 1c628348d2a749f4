import { defineOperation } from '../../awsquery/operation.js';
import { Errors } from '../../errors/index.js';
import { isUniqueViolation } from '../../store/pg-errors.js';
import { newUniqueId } from '../../tokens/ids.js';
import { authorize } from '../authorize.js';
import { assertUniqueTagKeys, readPath, readTags } from '../common.js';
import { arnFor, checkManagedSize, readDocument, readPolicyName, renderPolicy, tagContext, validateDocument, type PolicyRow } from './shared.js';

export const CreatePolicy = defineOperation({
  service: 'iam',
  name: 'CreatePolicy',
  auth: 'sigv4',
  parse: (p) => ({
    policyName: readPolicyName(p)!,
    path: readPath(p) ?? '/',
    document: readDocument(p, 'PolicyDocument')!,
    description: p.string('Description', { max: 1000 }),
    tags: readTags(p) ?? [],
  }),
  async run(ctx, input) {
    const arn = arnFor(ctx, `policy${input.path}${input.policyName}`);
    await authorize(ctx, 'iam:CreatePolicy', arn, tagContext(input.tags));
    assertUniqueTagKeys(input.tags);
    checkManagedSize(input.document);
    validateDocument(input.document, 'identity');
    const policyId = newUniqueId('ANPA');
    ctx.audit.policyArn = arn;
    try {
      return await ctx.services.db.tx(async (c) => {
        const r = await c.query<PolicyRow>(
          `INSERT INTO policies (policy_id, account_id, policy_name, path, arn, description, tags, created_at, updated_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING *, 0 AS attachment_count, 0 AS boundary_usage_count`,
          [policyId, ctx.caller.accountId, input.policyName, input.path, arn, input.description ?? null, JSON.stringify(input.tags), ctx.req.now],
        );
        await c.query(`INSERT INTO policy_versions (policy_id, version_id, document, is_default, created_at) VALUES ($1, 'v1', $2, true, $3)`, [
          policyId,
          input.document,
          ctx.req.now,
        ]);
        return r.rows[0]!;
      });
    } catch (e) {
      if (isUniqueViolation(e)) throw Errors.entityAlreadyExists(`A policy called ${input.policyName} already exists. Duplicate names are not allowed.`);
      throw e;
    }
  },
  render: (p) => ({ Policy: renderPolicy(p, { tags: true }) }),
});
