/**
 * Tessera's AWS IAM policy engine: pure and synchronous (no I/O, no clock reads).
 * parse + validate once, compile to matchers, evaluate many times. See README.md.
 */
export { parsePolicy, validatePolicy, type ParseOptions, type ValidationResult } from './parse.js';
export { compilePolicy, clearPolicyCache, type CompiledPolicy, type CompileOptions } from './compile.js';
export { evaluate, type EvaluationInput, type ResourcePolicyMode } from './evaluate.js';
export { evaluateTrustPolicy, type TrustEvaluationInput } from './trust.js';
export {
  simulate,
  prepareSimulation,
  contextFromEntries,
  type SimulationInput,
  type SimulationPolicy,
  type SimulationResult,
  type SimulationStatement,
  type SimulationPosition,
  type ContextEntry,
} from './simulate.js';
export { getContextKeys } from './context-keys.js';
export { MAX_POLICY_DOCUMENT_LENGTH, POLICY_SIZE_QUOTAS, policySize } from './limits.js';
export { OPERATORS } from './conditions/registry.js';
export type * from './types.js';
export { rewriteAwsPrincipals } from './rewrite-principals.js';
