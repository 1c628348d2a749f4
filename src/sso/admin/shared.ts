import { Errors } from '../../errors/index.js';
import { arnFor } from '../../iam/common.js';
import type { AuthedContext } from '../../protocols/operation.js';
import type { LoginSessionFilter, LoginSessionRow } from '../../store/login-sessions.js';
import { userPrincipalKey } from '../login-sessions.js';
import type { LoginSession as LoginSessionShape } from '../../protocols/generated/iam.js';

/** The login-session admin actions' shared parts: resource ARNs, the person filter, the wire shape. */
export const loginSessionArn = (ctx: AuthedContext, id: string) => arnFor(ctx, `login-session/${id}`);

export interface PersonFilterInput {
  UserName?: string | undefined;
  ConnectorId?: string | undefined;
  ProviderArn?: string | undefined;
  Subject?: string | undefined;
}

/**
 * The person a request names: an IAM user of the caller's account (UserName), or a federated
 * person (ConnectorId or ProviderArn, with Subject). Null when nothing is named (`optional`).
 */
export async function personFilter(ctx: AuthedContext, input: PersonFilterInput, optional: boolean): Promise<LoginSessionFilter | null> {
  const named = [input.UserName !== undefined, input.ConnectorId !== undefined, input.ProviderArn !== undefined].filter(Boolean).length;
  if (named === 0 && input.Subject === undefined) {
    if (optional) return null;
    throw Errors.invalidInput('Name the person: UserName, or ConnectorId or ProviderArn with Subject.');
  }
  if (named !== 1) throw Errors.invalidInput('Name one person: UserName, or ConnectorId or ProviderArn with Subject.');
  if (input.UserName !== undefined) {
    if (input.Subject !== undefined) throw Errors.invalidInput('Subject goes with ConnectorId or ProviderArn, not UserName.');
    const u = await ctx.services.store.users.get(ctx.caller.accountId, input.UserName);
    if (!u) throw Errors.noSuchEntity(`The user with name ${input.UserName} cannot be found.`, `user/${input.UserName}`);
    return { principalKey: userPrincipalKey(u.id) };
  }
  if (input.Subject === undefined) throw Errors.invalidInput('Subject is required with ConnectorId or ProviderArn.');
  if (input.ConnectorId !== undefined) return { connectorId: input.ConnectorId, subject: input.Subject };
  return { principalKey: `${input.ProviderArn!}#${input.Subject}` };
}

export function loginSessionShape(ctx: AuthedContext, r: LoginSessionRow): LoginSessionShape {
  return {
    Id: r.id,
    Arn: loginSessionArn(ctx, r.id),
    PrincipalArn: r.principalArn,
    ...(r.connectorId !== undefined ? { ConnectorId: r.connectorId } : {}),
    ...(r.subject !== undefined ? { Subject: r.subject } : {}),
    CreateDate: r.createdAt,
    ExpiryDate: r.expiresAt,
    ...(r.revokedAt !== undefined ? { RevokeDate: r.revokedAt } : {}),
    ...(r.sourceIp !== '' ? { SourceIp: r.sourceIp } : {}),
    ...(r.userAgent !== '' ? { UserAgent: r.userAgent } : {}),
  };
}
