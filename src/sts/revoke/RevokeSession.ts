import { defineOperation } from '../../protocols/operation.js';
import { Errors } from '../../errors/index.js';
import { authorize } from '../../iam/authorize.js';
import { accountOfAccessKeyId } from '../../tokens/ids.js';

/**
 * Tessera extension (IAM namespace, Version 2010-05-08): revoke one temporary-credential
 * session, by its AccessKeyId (ASIA…) or its SessionId (audit field `sessionId`). Every replica
 * refuses it (InvalidClientTokenId) within a second, and every session chained from it (any
 * depth: AssumeRole or /oauth2/token exchange with it or a descendant). Durable: recorded in
 * Postgres with this call's audit event (src/sts/revocation.ts). Needs iam:RevokeSession on
 * arn:aws:sts::ACCT:session/<AccessKeyId or SessionId>. Answers with no result, like IAM's
 * other mutating actions; revoking an unknown or expired session is not an error.
 */
export const RevokeSession = defineOperation({
  service: 'iam',
  name: 'RevokeSession',
  auth: 'sigv4',
  async run(ctx, wire) {
    const { caller, services } = ctx;
    const input = { accessKeyId: wire.AccessKeyId, sessionId: wire.SessionId };
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
    Object.assign(ctx.audit, { revokedAccessKeyId: input.accessKeyId, revokedSessionId: input.sessionId });
    if (input.accessKeyId !== undefined) await services.revocations.revokeAccessKey(services.store, input.accessKeyId);
    else await services.revocations.revokeSession(services.store, input.sessionId!);
  },
});
