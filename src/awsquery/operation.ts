import type { Input } from './input.js';
import type { XmlObject } from './xml.js';
import type {
  AuthedContext,
  OpContext,
  OperationName,
  ServiceName,
  SignedModelOperation,
  UnsignedModelOperation,
} from '../protocols/operation.js';

export type { AuthedContext, OpContext, RequestInfo, ServiceName } from '../protocols/operation.js';
export { SERVICES } from '../protocols/operation.js';

/**
 * LEGACY (being removed by issue 10): operations that parse wire input themselves (`parse`) and
 * render XML-shaped output (`render`). New and migrated operations use the model-driven contract
 * in src/protocols/operation.ts: no `parse`, no `render`, typed model input and output.
 */
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

export type LegacyOperation<I = unknown, O = unknown> = SignedOperation<I, O> | UnsignedOperation<I, O>;
export type Operation<I = unknown, O = unknown> = LegacyOperation<I, O> | import('../protocols/operation.js').AnyModelOperation;

/** Identity helper that keeps each operation's I/O types inferred. */
export function defineOperation<I, O>(op: SignedOperation<I, O>): SignedOperation<I, O>;
export function defineOperation<I, O>(op: UnsignedOperation<I, O>): UnsignedOperation<I, O>;
export function defineOperation<S extends ServiceName, N extends OperationName<S>>(op: SignedModelOperation<S, N>): SignedModelOperation<S, N>;
export function defineOperation<S extends ServiceName, N extends OperationName<S>>(op: UnsignedModelOperation<S, N>): UnsignedModelOperation<S, N>;
export function defineOperation(op: unknown): unknown {
  return op;
}

export const isLegacy = (op: Operation): op is LegacyOperation => 'parse' in op;
