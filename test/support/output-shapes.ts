import { serviceModel } from '../../src/protocols/model.js';
import { checkShape } from '../../src/protocols/conformance.js';
import { OPTIONAL_IN_PRACTICE, OUTSIDE_MODEL } from '../../src/protocols/overrides.js';

/**
 * The generated output-shape check: every result a test Tessera serializes is compared with its
 * operation's output shape in AWS's model (src/protocols/conformance.ts). Problems are collected
 * and reported when the test Tessera stops (test/support/tessera.ts), failing the file — so the
 * whole suite's traffic is checked, operation by operation.
 */
const problems = new Set<string>();

export function checkOutputShape(service: 'iam' | 'sts', action: string, result: unknown): void {
  const key = `${service}:${action}`;
  if (key in OUTSIDE_MODEL) return;
  const op = serviceModel(service).operations.get(action);
  if (!op) {
    problems.add(`${key} is routed but is not in AWS's model (add it to src/protocols/overrides.ts with a reason if that is intended)`);
    return;
  }
  if (!op.output) {
    if (result !== undefined && result !== null && Object.keys(result).length > 0) problems.add(`${key} has no output in the model but returned ${Object.keys(result).join(", ")}`);
    return;
  }
  const optional = new Set(OPTIONAL_IN_PRACTICE[key]?.paths ?? []);
  for (const p of checkShape(op.output, result ?? {}, '', [], optional)) problems.add(`${key}: ${p}`);
}

/** The problems seen since the last call (and forgets them). */
export function takeOutputShapeProblems(): string[] {
  const out = [...problems];
  problems.clear();
  return out;
}
