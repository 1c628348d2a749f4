/**
 * parsePolicy / validatePolicy: text → ParsedPolicy, or MalformedPolicyDocument naming the
 * problem and its location. Nothing else is ever thrown for any input.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html
 */
import { AwsError, Errors } from '../errors/index.js';
import { Locator, SYNTAX } from './errors.js';
import { JsonSyntaxError, LineIndex, parseJson, type JsonNode } from './json.js';
import { MAX_POLICY_DOCUMENT_LENGTH, policySize } from './limits.js';
import { parseStatement } from './parse-statement.js';
import type { ParsedPolicy, ParsedStatement, PolicyKind, PolicyVersion } from './types.js';

export interface ParseOptions {
  readonly kind: PolicyKind;
  /**
   * IAM size quota to enforce, counted without white space (see POLICY_SIZE_QUOTAS).
   * Documents longer than 131072 characters are always rejected.
   */
  readonly sizeQuota?: number;
}

const KINDS: ReadonlySet<string> = new Set(['identity', 'resource', 'trust', 'scp', 'rcp', 'boundary', 'session']);
const VERSIONS: ReadonlySet<string> = new Set(['2012-10-17', '2008-10-17']);
const TOP = new Set(['Version', 'Id', 'Statement']);

export function parsePolicy(text: string, options: ParseOptions): ParsedPolicy {
  try {
    return parseUnchecked(text, options);
  } catch (e) {
    if (e instanceof AwsError) throw e;
    // Defensive: no other error may escape for any input (e.g. a RangeError from hostile input).
    throw Errors.malformedPolicyDocument(SYNTAX);
  }
}

function parseUnchecked(text: string, options: ParseOptions): ParsedPolicy {
  const kind = options?.kind;
  if (!KINDS.has(kind)) throw Errors.invalidInput(`Unknown policy kind ${String(kind)}`);
  if (typeof text !== 'string' || text.trim() === '') throw Errors.malformedPolicyDocument(`${SYNTAX} The policy document is empty`);
  if (text.length > MAX_POLICY_DOCUMENT_LENGTH) {
    throw Errors.malformedPolicyDocument(`Policy document length ${text.length} exceeds the maximum of ${MAX_POLICY_DOCUMENT_LENGTH} characters.`);
  }
  if (options.sizeQuota !== undefined && policySize(text) > options.sizeQuota) {
    throw Errors.malformedPolicyDocument(`Cannot exceed quota for PolicySize: ${options.sizeQuota}`);
  }
  const lines = new LineIndex(text);
  const loc = new Locator(lines);
  let root: JsonNode;
  try {
    root = parseJson(text);
  } catch (e) {
    if (e instanceof JsonSyntaxError) throw loc.error(`${SYNTAX} ${e.message}`, '', e.offset);
    throw e;
  }
  if (root.type !== 'object') throw loc.error(`${SYNTAX} The policy must be a JSON object`, '', root.start);

  let version: PolicyVersion | undefined;
  let id: string | undefined;
  let statementNode: JsonNode | undefined;
  for (const e of root.entries) {
    if (!TOP.has(e.key)) throw loc.error(`${SYNTAX} Unknown field ${e.key}`, e.key, e.keyStart);
    if (e.key === 'Version') {
      if (e.value.type !== 'string' || !VERSIONS.has(e.value.value)) {
        throw loc.error(`${SYNTAX} The policy Version must be 2012-10-17 or 2008-10-17`, 'Version', e.value.start);
      }
      version = e.value.value as PolicyVersion;
    } else if (e.key === 'Id') {
      if (e.value.type !== 'string') throw loc.error(`${SYNTAX} Id must be a string`, 'Id', e.value.start);
      id = e.value.value;
    } else statementNode = e.value;
  }
  if (!statementNode) throw loc.error('Missing required field Statement', '', root.start);

  let statements: ParsedStatement[];
  if (statementNode.type === 'array') {
    statements = statementNode.items.map((s, i) => parseStatement(s, i, kind, loc, lines, `Statement[${i}]`));
  } else if (statementNode.type === 'object') {
    statements = [parseStatement(statementNode, 0, kind, loc, lines, 'Statement')];
  } else {
    throw loc.error(`${SYNTAX} Statement must be an object or an array`, 'Statement', statementNode.start);
  }

  if (kind === 'identity' || kind === 'boundary' || kind === 'trust' || kind === 'session') {
    const seen = new Set<string>();
    for (const s of statements) {
      if (s.sid === undefined || s.sid === '') continue;
      if (seen.has(s.sid)) throw loc.error('Statement IDs (SID) in a single policy must be unique.', `Statement[${s.index}].Sid`, undefined);
      seen.add(s.sid);
    }
  }
  return { kind, version, id, statements, text };
}

export type ValidationResult = { readonly ok: true; readonly policy: ParsedPolicy } | { readonly ok: false; readonly error: AwsError };

/** parsePolicy without throwing: the error comes back as data. */
export function validatePolicy(text: string, options: ParseOptions): ValidationResult {
  try {
    return { ok: true, policy: parsePolicy(text, options) };
  } catch (e) {
    if (e instanceof AwsError) return { ok: false, error: e };
    return { ok: false, error: Errors.malformedPolicyDocument(SYNTAX) };
  }
}
