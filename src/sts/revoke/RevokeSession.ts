import { defineOperation } from '../../awsquery/operation.js';
import { Errors } from '../../errors/index.js';
import { authorize } from '../../iam/authorize.js';
import { accountOfAccessKeyId } from '../../tokens/ids.js';

/**
 * Tessera extension (IAM namespace, Version 2010-05-08): revoke one temporary-credential
 * session, by its AccessKeyId (ASIA…) or its SessionId (audit field `sessionId`). Every replica
 * refuses it (InvalidClientTokenId) within a second. Needs iam:RevokeSession on
 * arn:aws:sts::ACCT:session/<AccessKeyId or SessionId>. Answers with no result, like IAM's
 * other mutating actions; revoking an unknown or expired session is not an error.
 */
export const RevokeSession = defineOperation({
  service: 'iam',
  name: 'RevokeSession',
  auth: 'sigv4',
  parse: (p) => ({
    accessKeyId: p.string('AccessKeyId', { min: 16, max: 128, pattern: /^[\w]+$/, patternText: '[\\w]+' }),
    sessionId: p.string('SessionId', { min: 8, max: 64, pattern: /^[\w-]+$/, patternText: '[\\w-]+' }),
  }),
  run: async (ctx, input) => {
    const { caller, services } = ctx;
    if ((input.accessKeyId === undefined) === (input.sessionId === undefined)) {
      throw Errors.invalidInput('Specify exactly one of AccessKeyId and SessionId.');
    }
    if (input.accessKeyId !== undefined) {
      if (!input.accessKeyId.startsWith('ASIA') || accountOfAccessKeyId(input.accessKeyId) !== caller.accountId) {
        throw Errors.invalidInput('AccessKeyId must be a temporary (ASIA) access key id of this account.');
      }
    }
    const target = input.accessKeyId ?? input.sessionId!;
    await authorize(ctx, 'iam:RevokeSession', `arn:${services.config.partition}:sts::${caller.accountId}:session/${target}`);
    if (input.accessKeyId !== undefined) await services.revocations.revokeAccessKey(input.accessKeyId);
    else await services.revocations.revokeSession(input.sessionId!);
    Object.assign(ctx.audit, { revokedAccessKeyId: input.accessKeyId, revokedSessionId: input.sessionId });
    return undefined;
  },
});
