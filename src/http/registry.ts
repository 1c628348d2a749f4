import type { Operation, ServiceName } from '../protocols/operation.js';
import { serviceModel } from '../protocols/model.js';
import { OUTPUT_OMITTED } from '../protocols/overrides.js';
import type { OperationTable, RoutedOperation } from '../protocols/invoke.js';

/** An operation with its model (AWS's or Tessera's extension model) and the output members AWS omits (overrides.ts). */
export type { RoutedOperation };

/** The operation table: (service, Action) → operation and its model. */
export class OperationRegistry implements OperationTable {
  private readonly ops = new Map<string, RoutedOperation>();

  constructor(operations: readonly Operation[]) {
    for (const op of operations) {
      const key = `${op.service}:${op.name}`;
      if (this.ops.has(key)) throw new Error(`duplicate operation ${key}`);
      const model = serviceModel(op.service).operations.get(op.name);
      if (!model) throw new Error(`operation ${key} is not in the ${op.service} model (data/aws-models, data/tessera-models)`);
      const omitted = OUTPUT_OMITTED[key];
      this.ops.set(key, { op: op as Operation, model, omit: omitted ? new Set(omitted.paths) : undefined });
    }
  }

  get(service: ServiceName, action: string): RoutedOperation | undefined {
    return this.ops.get(`${service}:${action}`);
  }

  list(): Operation[] {
    return [...this.ops.values()].map((r) => r.op);
  }
}
