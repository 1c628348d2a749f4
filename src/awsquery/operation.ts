import type { Input } from './input.js';
import type { XmlObject } from './xml.js';
import type { Caller } from '../iam/caller.js';
import type { Services } from '../services.js';

/**
 * One AWS action = one typed operation. The protocol adapter (http/awsquery.ts) parses the
 * wire into `Input`, authenticates when `auth` says so, calls `run`, and renders `render(out)`
 * inside `<{Action}Result>` (no Result element when `render` is absent).
 * Adding an action touches its file and one line of its service's registry.
 */
export type ServiceName = 'sts' | 'iam';

export interface RequestInfo {
  requestId: string;
  /** The request's time, read once at the edge; operations never read the clock. */
  now: Date;
  sourceIp: string;
  userAgent: string;
  /** Region from the SigV4 scope (us-east-1 when unsigned). */
  region: string;
  secureTransport: boolean;
}

export interface OpContext {
  req: RequestInfo;
  /** The authenticated caller; null for unsigned actions. */
  caller: Caller | null;
  services: Services;
  /** Extra audit fields for this call (never secrets). */
  audit: Record<string, unknown>;
}

export interface AuthedContext extends OpContext {
  caller: Caller;
}

interface OperationBase<I, O> {
  service: ServiceName;
  name: string;
  parse: (p: Input) => I;
  render?: (out: O) => XmlObject;
}

export interface SignedOperation<I, O> extends OperationBase<I, O> {
  auth: 'sigv4';
  run: (ctx: AuthedContext, input: I) => Promise<O>;
}

export interface UnsignedOperation<I, O> extends OperationBase<I, O> {
  auth: 'none';
  run: (ctx: OpContext, input: I) => Promise<O>;
}

export type Operation<I = unknown, O = unknown> = SignedOperation<I, O> | UnsignedOperation<I, O>;

/** Identity helper that keeps each operation's I/O types inferred. */
export function defineOperation<I, O>(op: SignedOperation<I, O>): SignedOperation<I, O>;
export function defineOperation<I, O>(op: UnsignedOperation<I, O>): UnsignedOperation<I, O>;
export function defineOperation<I, O>(op: Operation<I, O>): Operation<I, O> {
  return op;
}

export const SERVICES: Record<ServiceName, { version: string; namespace: string }> = {
  sts: { version: '2011-06-15', namespace: 'https://sts.amazonaws.com/doc/2011-06-15/' },
  iam: { version: '2010-05-08', namespace: 'https://iam.amazonaws.com/doc/2010-05-08/' },
};
