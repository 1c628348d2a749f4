import type { Caller } from '../tokens/caller.js';
import type { Services } from '../services.js';
import type { IamOperations } from './generated/iam.js';
import type { StsOperations } from './generated/sts.js';
import { serviceModel } from './model.js';
import { validateInput } from './validate.js';

/**
 * The operation contract. One AWS action = one operation: `run(ctx, input) → output`, where the
 * input and output are the types of the action's shapes in AWS's model
 * (src/protocols/generated/<service>.ts, generated from data/aws-models). An operation knows
 * nothing of XML, forms or HTTP: a protocol adapter (src/http/awsquery.ts for Query/XML; the
 * JSON adapters, /oauth2/token, `tessera apply` and the console alike) builds the request
 * context, parses and validates the wire into `input` from the model, authenticates when `auth`
 * says so, calls `run`, and serializes `output` from the model.
 * Adding an action is its file and one line of its service's registry.
 */
export type ServiceName = 'sts' | 'iam';

export interface ModelOperations {
  iam: IamOperations;
  sts: StsOperations;
}
export type OperationName<S extends ServiceName> = keyof ModelOperations[S] & string;
type Io<S extends ServiceName, N extends OperationName<S>> = ModelOperations[S][N] extends { input: infer I; output: infer O } ? { input: I; output: O } : never;
export type OperationInput<S extends ServiceName, N extends OperationName<S>> = Io<S, N>['input'];
export type OperationOutput<S extends ServiceName, N extends OperationName<S>> = Io<S, N>['output'];

/** What the edge knows about the request; built once, in one place (src/http/request-context.ts). */
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

export interface SignedModelOperation<S extends ServiceName = ServiceName, N extends OperationName<S> = OperationName<S>> {
  service: S;
  name: N;
  auth: 'sigv4';
  run: (ctx: AuthedContext, input: OperationInput<S, N>) => Promise<OperationOutput<S, N>>;
}

export interface UnsignedModelOperation<S extends ServiceName = ServiceName, N extends OperationName<S> = OperationName<S>> {
  service: S;
  name: N;
  auth: 'none';
  run: (ctx: OpContext, input: OperationInput<S, N>) => Promise<OperationOutput<S, N>>;
}

export type ModelOperation<S extends ServiceName = ServiceName, N extends OperationName<S> = OperationName<S>> =
  | SignedModelOperation<S, N>
  | UnsignedModelOperation<S, N>;

/** Any operation, as registries and adapters hold them. */
export interface AnyModelOperation {
  service: ServiceName;
  name: string;
  auth: 'sigv4' | 'none';
  run: (ctx: any, input: any) => Promise<unknown>;
}

/** Identity helper that infers an operation's model input and output types from `service` and `name`. */
export function defineOperation<S extends ServiceName, N extends OperationName<S>>(op: SignedModelOperation<S, N>): SignedModelOperation<S, N>;
export function defineOperation<S extends ServiceName, N extends OperationName<S>>(op: UnsignedModelOperation<S, N>): UnsignedModelOperation<S, N>;
export function defineOperation(op: AnyModelOperation): AnyModelOperation {
  return op;
}

export const SERVICES: Record<ServiceName, { version: string; namespace: string }> = {
  sts: { version: '2011-06-15', namespace: 'https://sts.amazonaws.com/doc/2011-06-15/' },
  iam: { version: '2010-05-08', namespace: 'https://iam.amazonaws.com/doc/2010-05-08/' },
};

/**
 * Calls an operation the way a typed caller (not a wire adapter) does: the input is validated
 * against the operation's model first, exactly as the Query adapter validates the wire.
 */
export async function runTyped<S extends ServiceName, N extends OperationName<S>>(
  op: ModelOperation<S, N>,
  ctx: OpContext,
  input: OperationInput<S, N>,
): Promise<OperationOutput<S, N>> {
  const model = serviceModel(op.service).operations.get(op.name);
  if (!model) throw new Error(`operation ${op.service}:${op.name} is not in the model`);
  validateInput(model.input, input);
  if (op.auth === 'sigv4' && !ctx.caller) throw new Error(`operation ${op.service}:${op.name} needs a caller`);
  return (op.run as (c: OpContext, i: OperationInput<S, N>) => Promise<OperationOutput<S, N>>)(ctx, input);
}

/** An operation as registries and adapters hold it (its types erased). */
export type Operation = AnyModelOperation;
