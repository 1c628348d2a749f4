import type { Services } from '../services.js';

/**
 * One audit event per sign-in step (service 'signin'): sign-ins, failures with their reason,
 * MFA events, lockouts, sign-outs, revocations. Never a password, code, token or cookie.
 */
export interface SignInAuditFacts {
  requestId: string;
  now: Date;
  sourceIp: string;
  userAgent: string;
}

export async function auditSignIn(
  s: Pick<Services, 'audit'>,
  req: SignInAuditFacts,
  e: {
    action: string;
    outcome: 'success' | 'failure';
    reason?: string | undefined;
    accountId?: string | undefined;
    principalArn?: string | undefined;
    principalId?: string | undefined;
    connectorId?: string | undefined;
    subject?: string | undefined;
    detail?: Record<string, unknown> | undefined;
  },
): Promise<void> {
  await s.audit.record({
    time: req.now,
    requestId: req.requestId,
    service: 'signin',
    action: e.action,
    accountId: e.accountId,
    principalArn: e.principalArn,
    principalId: e.principalId,
    sourceIp: req.sourceIp,
    userAgent: req.userAgent,
    outcome: e.outcome,
    errorCode: e.reason,
    detail: {
      ...(e.connectorId !== undefined ? { connectorId: e.connectorId } : {}),
      ...(e.subject !== undefined ? { subject: e.subject } : {}),
      ...e.detail,
    },
  });
}
