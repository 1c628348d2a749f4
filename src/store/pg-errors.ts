import { AwsError, Errors } from '../errors/index.js';

/**
 * Postgres errors become domain errors here, and only here. Repositories that expect a
 * particular constraint violation (23505 on a unique name) catch `PgConstraintError` and turn
 * it into their AWS error (EntityAlreadyExists, ...). Everything else is a ServiceFailure-class
 * error whose internals are never shown.
 */
export class PgConstraintError extends Error {
  override readonly name = 'PgConstraintError';
  constructor(
    readonly pgCode: string,
    readonly constraint: string | undefined,
    cause: unknown,
  ) {
    super(`constraint violation ${pgCode} ${constraint ?? ''}`, { cause });
  }
}

interface PgLikeError {
  code?: string;
  constraint?: string;
}

/** The connection itself failed (refused, reset, terminated, server shutting down). */
export function isConnectionError(e: unknown): boolean {
  const pe = e as PgLikeError & { message?: unknown };
  if (pe && typeof pe.code === 'string') {
    return pe.code.startsWith('08') || pe.code === '57P01' || pe.code === '57P02' || pe.code === '57P03' || CONN_ERRNO.has(pe.code);
  }
  return e instanceof Error && CONNECTION_MESSAGE.test(e.message);
}

const CONN_ERRNO = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
const CONNECTION_MESSAGE = /ECONNREFUSED|ECONNRESET|EPIPE|timeout|Connection terminated|Client has encountered a connection error|not queryable|Client was closed/i;

export function translatePgError(e: unknown): Error {
  if (e instanceof AwsError || e instanceof PgConstraintError) return e;
  const pe = e as PgLikeError;
  if (pe && typeof pe.code === 'string') {
    // 23xxx: integrity constraint violations
    if (pe.code.startsWith('23')) return new PgConstraintError(pe.code, pe.constraint, e);
    // 40001 serialization failure, 40P01 deadlock: the caller may retry
    if (pe.code === '40001' || pe.code === '40P01') {
      return Errors.concurrentModification('The request was rejected because multiple requests to change this object were submitted simultaneously. Wait a few minutes and submit your request again.');
    }
    // 57P0x admin/crash shutdown, cannot connect now; 08xxx connection exceptions; socket errnos;
    // 53xxx insufficient resources
    if (isConnectionError(e) || pe.code.startsWith('53')) {
      return Errors.serviceUnavailable(e);
    }
  }
  if (e instanceof Error && CONNECTION_MESSAGE.test(e.message)) {
    return Errors.serviceUnavailable(e);
  }
  if (e instanceof Error && !(pe && typeof pe.code === 'string')) return e;
  return Errors.serviceFailure(e);
}

export const isUniqueViolation = (e: unknown, constraint?: string): e is PgConstraintError =>
  e instanceof PgConstraintError && e.pgCode === '23505' && (constraint === undefined || e.constraint === constraint);
