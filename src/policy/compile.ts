/**
 * Compile once, evaluate many. A policy is parsed and validated, its statements compiled to
 * matchers and indexed by action, and the result cached by content hash (bounded LRU), so
 * compiling the same text again is a hash and a map lookup.
 */
import { createHash } from 'node:crypto';
import { compileStatement, type CompiledStatement } from './compile-statement.js';
import { Errors } from '../errors/index.js';
import { policySize } from './limits.js';
import { Lru } from './lru.js';
import { parsePolicy } from './parse.js';
import type { ParsedPolicy, PolicyKind, PolicySourceType, PolicyVersion } from './types.js';

/** The shareable, id-less part of a compiled policy. */
export interface CompiledCore {
  readonly kind: PolicyKind;
  readonly version: PolicyVersion | undefined;
  readonly statements: readonly CompiledStatement[];
  /** Statements whose Action/NotAction matches `lowerAction`, in document order. */
  candidates(lowerAction: string): readonly CompiledStatement[];
}

export interface CompiledPolicy {
  readonly id: string;
  readonly kind: PolicyKind;
  readonly sourceType: PolicySourceType;
  readonly core: CompiledCore;
}

export interface CompileOptions {
  readonly kind: PolicyKind;
  /** Reported as SourcePolicyId in matched statements. */
  readonly id?: string;
  /** Reported as SourcePolicyType (AWS: user | group | role | aws-managed | user-managed | resource | none). */
  readonly sourceType?: PolicySourceType;
  readonly sizeQuota?: number;
  /**
   * Identity binding of stored resource (trust) policies: AWS principal ARNs (as written) mapped
   * to the unique id (AIDA…/AROA…) of the user or role the ARN named when the policy was saved.
   * Such an entry matches only a caller whose `principalId` is that id, never by name, so a
   * principal deleted and recreated under the same name is not admitted. An empty id matches
   * nobody. https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
   */
  readonly principalIds?: Readonly<Record<string, string>>;
}

const MEMO_LIMIT = 512;

function buildCore(p: ParsedPolicy, principalIds: Readonly<Record<string, string>> | undefined): CompiledCore {
  const variables = p.version === '2012-10-17';
  const statements = p.statements.map((s) => compileStatement(s, variables, principalIds));
  const exact = new Map<string, CompiledStatement[]>();
  const byService = new Map<string, CompiledStatement[]>();
  const rest: CompiledStatement[] = [];
  const push = (m: Map<string, CompiledStatement[]>, k: string, s: CompiledStatement): void => {
    const list = m.get(k);
    if (list) {
      if (list[list.length - 1] !== s) list.push(s);
    } else m.set(k, [s]);
  };
  for (const s of statements) {
    if (s.notAction) {
      rest.push(s);
      continue;
    }
    for (const a of s.actionPatterns) {
      const colon = a.indexOf(':');
      const service = colon > 0 ? a.slice(0, colon) : '';
      if (!a.includes('*') && !a.includes('?')) push(exact, a, s);
      else if (service && !service.includes('*') && !service.includes('?')) push(byService, service, s);
      else if (!rest.includes(s)) rest.push(s);
    }
  }
  const memo = new Map<string, readonly CompiledStatement[]>();
  const compute = (action: string): readonly CompiledStatement[] => {
    const colon = action.indexOf(':');
    const found = new Set<CompiledStatement>();
    for (const s of exact.get(action) ?? []) found.add(s);
    for (const s of byService.get(colon > 0 ? action.slice(0, colon) : '') ?? []) if (s.matchesAction(action)) found.add(s);
    for (const s of rest) if (s.matchesAction(action)) found.add(s);
    return [...found].sort((a, b) => a.index - b.index);
  };
  return {
    kind: p.kind,
    version: p.version,
    statements,
    candidates: (action) => {
      let c = memo.get(action);
      if (c === undefined) {
        c = compute(action);
        if (memo.size >= MEMO_LIMIT) memo.clear();
        memo.set(action, c);
      }
      return c;
    },
  };
}

const cache = new Lru<string, CompiledCore>(1024);

const hashOf = (kind: PolicyKind, text: string): string => `${kind}:${createHash('sha256').update(text).digest('base64')}`;

const defaultSourceType = (kind: PolicyKind): PolicySourceType => (kind === 'resource' || kind === 'trust' ? 'resource' : 'none');

/** Compile a policy (text, or the result of parsePolicy). Throws MalformedPolicyDocument for bad text. */
export function compilePolicy(input: string | ParsedPolicy, options: CompileOptions): CompiledPolicy {
  const kind = typeof input === 'string' ? options.kind : input.kind;
  const text = typeof input === 'string' ? input : input.text;
  const ids = options.principalIds && Object.keys(options.principalIds).length > 0 ? options.principalIds : undefined;
  // The same text bound to other principals is another policy.
  const key = ids ? `${hashOf(kind, text)}|${JSON.stringify(Object.entries(ids).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))}` : hashOf(kind, text);
  let core = cache.get(key);
  if (core && options.sizeQuota !== undefined && policySize(text) > options.sizeQuota) {
    throw Errors.malformedPolicyDocument(`Cannot exceed quota for PolicySize: ${options.sizeQuota}`);
  }
  if (!core) {
    const parsed = typeof input === 'string' ? parsePolicy(input, { kind, ...(options.sizeQuota !== undefined ? { sizeQuota: options.sizeQuota } : {}) }) : input;
    core = buildCore(parsed, ids);
    cache.set(key, core);
  }
  return { id: options.id ?? 'policy', kind, sourceType: options.sourceType ?? defaultSourceType(kind), core };
}

/** Drop every cached compiled policy (e.g. in tests). */
export function clearPolicyCache(): void {
  cache.clear();
}
