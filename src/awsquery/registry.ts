import type { Operation, ServiceName } from './operation.js';

/** The operation table: (service, Action) → operation. */
export class OperationRegistry {
  private readonly ops = new Map<string, Operation>();

  constructor(operations: readonly Operation<any, any>[]) {
    for (const op of operations) {
      const key = `${op.service}:${op.name}`;
      if (this.ops.has(key)) throw new Error(`duplicate operation ${key}`);
      this.ops.set(key, op as Operation);
    }
  }

  get(service: ServiceName, action: string): Operation | undefined {
    return this.ops.get(`${service}:${action}`);
  }

  list(): Operation[] {
    return [...this.ops.values()];
  }
}
