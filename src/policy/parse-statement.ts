/**
 * One Statement: its elements, which ones each policy kind requires or prohibits, and the
 * shape of every value.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements.html
 */
import { parseOperator } from './conditions/registry.js';
import { SYNTAX, type Locator } from './errors.js';
import { compileGlob } from './glob.js';
import type { JsonNode, JsonObject, LineIndex } from './json.js';
import { parsePrincipal } from './parse-principal.js';
import { scalarList, stringList } from './parse-values.js';
import type { ParsedCondition, ParsedStatement, PolicyKind } from './types.js';

const ELEMENTS = new Set(['Sid', 'Effect', 'Principal', 'NotPrincipal', 'Action', 'NotAction', 'Resource', 'NotResource', 'Condition']);

/** Kinds whose statements name no principal (the principal is whoever the policy is attached to). */
const NO_PRINCIPAL: ReadonlySet<PolicyKind> = new Set(['identity', 'boundary', 'session', 'scp']);
/** Kinds IAM itself stores, whose Sids must be alphanumeric and unique. */
const IAM_KINDS: ReadonlySet<PolicyKind> = new Set(['identity', 'boundary', 'trust', 'session']);

/** Actions a role trust policy may name. */
const TRUST_ACTIONS = [
  'sts:assumerole',
  'sts:assumerolewithsaml',
  'sts:assumerolewithwebidentity',
  'sts:tagsession',
  'sts:setsourceidentity',
  'sts:setcontext',
];

const VENDOR = 'Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.';
const ACTION = /^[A-Za-z0-9*?_.-]+:[A-Za-z0-9*?_.-]+$/;

function validateAction(a: string, loc: Locator, path: string, at: number): void {
  if (a === '*') return;
  if (!a.includes(':')) throw loc.error(VENDOR, path, at);
  if (!ACTION.test(a)) throw loc.error(`${SYNTAX} Invalid action "${a}"`, path, at);
}

function validateResource(r: string, loc: Locator, path: string, at: number): void {
  if (r === '*') return;
  let colons = 0;
  for (let i = 0; i < r.length; i++) if (r.charCodeAt(i) === 0x3a) colons++;
  // A wildcard may stand for several components (`arn:aws:s3:*`): the whole ARN is matched as one string.
  if (!r.startsWith('arn:') || (colons < 5 && !r.includes('*'))) throw loc.error(`Resource ${r} must be in ARN format or "*".`, path, at);
}

function parseConditions(node: JsonNode, loc: Locator, path: string): ParsedCondition[] {
  if (node.type !== 'object') throw loc.error(`${SYNTAX} Condition must be an object`, path, node.start);
  const out: ParsedCondition[] = [];
  for (const opEntry of node.entries) {
    const opPath = `${path}.${opEntry.key}`;
    if (!parseOperator(opEntry.key)) throw loc.error(`Invalid Condition type : ${opEntry.key}`, opPath, opEntry.keyStart);
    const block = opEntry.value;
    if (block.type !== 'object') throw loc.error(`${SYNTAX} Condition operator value must be an object`, opPath, block.start);
    for (const keyEntry of block.entries) {
      const keyPath = `${opPath}.${keyEntry.key}`;
      const k = keyEntry.key;
      const colon = k.indexOf(':');
      if (colon <= 0 || colon === k.length - 1 || /\s/.test(k)) throw loc.error(VENDOR, keyPath, keyEntry.keyStart);
      out.push({ operator: opEntry.key, key: k, values: scalarList(keyEntry.value, loc, keyPath) });
    }
  }
  return out;
}

export function parseStatement(node: JsonNode, index: number, kind: PolicyKind, loc: Locator, lines: LineIndex, path: string): ParsedStatement {
  if (node.type !== 'object') throw loc.error(`${SYNTAX} Statement must be an object`, path, node.start);
  const obj: JsonObject = node;
  const get = (k: string): JsonNode | undefined => obj.entries.find((e) => e.key === k)?.value;
  for (const e of obj.entries) {
    if (!ELEMENTS.has(e.key)) throw loc.error(`${SYNTAX} Unknown field ${e.key}`, `${path}.${e.key}`, e.keyStart);
  }

  const sidNode = get('Sid');
  let sid: string | undefined;
  if (sidNode) {
    if (sidNode.type !== 'string') throw loc.error(`${SYNTAX} Sid must be a string`, `${path}.Sid`, sidNode.start);
    sid = sidNode.value;
    if (IAM_KINDS.has(kind) && !/^[0-9A-Za-z]*$/.test(sid)) {
      throw loc.error('Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]*', `${path}.Sid`, sidNode.start);
    }
  }

  const effectNode = get('Effect');
  if (!effectNode) throw loc.error('Missing required field Effect', path, obj.start);
  if (effectNode.type !== 'string' || (effectNode.value !== 'Allow' && effectNode.value !== 'Deny')) {
    const shown = effectNode.type === 'string' ? effectNode.value : effectNode.type;
    throw loc.error(`${SYNTAX} Invalid effect: ${shown}`, `${path}.Effect`, effectNode.start);
  }

  const list = (k: string, validate?: (v: string, p: string, at: number) => void): string[] | undefined => {
    const n = get(k);
    if (!n) return undefined;
    const values = stringList(n, loc, `${path}.${k}`);
    if (validate) values.forEach((v, i) => validate(v, n.type === 'array' ? `${path}.${k}[${i}]` : `${path}.${k}`, (n.type === 'array' ? n.items[i]?.start : undefined) ?? n.start));
    return values;
  };

  const action = list('Action', (v, p, at) => validateAction(v, loc, p, at));
  const notAction = list('NotAction', (v, p, at) => validateAction(v, loc, p, at));
  if (action && notAction) throw loc.error(`${SYNTAX} Statement cannot contain both Action and NotAction`, path, obj.start);
  if ((action ?? notAction ?? []).length === 0) throw loc.error('Policy statement must contain actions.', path, obj.start);
  if (kind === 'trust' && action) {
    for (const a of action) {
      const g = compileGlob(a.toLowerCase());
      if (!TRUST_ACTIONS.some((t) => g.match(t))) {
        throw loc.error('AssumeRole policy may only specify STS AssumeRole actions.', `${path}.Action`, get('Action')?.start);
      }
    }
  }

  const resNode = get('Resource');
  const notResNode = get('NotResource');
  let resource: string[] | undefined;
  let notResource: string[] | undefined;
  if (kind === 'trust') {
    if (resNode) throw loc.error('Has prohibited field Resource', `${path}.Resource`, resNode.start);
    if (notResNode) throw loc.error('Has prohibited field NotResource', `${path}.NotResource`, notResNode.start);
  } else {
    resource = list('Resource', (v, p, at) => validateResource(v, loc, p, at));
    notResource = list('NotResource', (v, p, at) => validateResource(v, loc, p, at));
    if (resource && notResource) throw loc.error(`${SYNTAX} Statement cannot contain both Resource and NotResource`, path, obj.start);
    if ((resource ?? notResource ?? []).length === 0) throw loc.error('Policy statement must contain resources.', path, obj.start);
  }

  const pNode = get('Principal');
  const npNode = get('NotPrincipal');
  if (NO_PRINCIPAL.has(kind)) {
    const bad = pNode ?? npNode;
    if (bad) throw loc.error('Policy document should not specify a principal.', `${path}.${pNode ? 'Principal' : 'NotPrincipal'}`, bad.start);
  } else {
    if (pNode && npNode) throw loc.error(`${SYNTAX} Statement cannot contain both Principal and NotPrincipal`, path, obj.start);
    if (!pNode && !npNode) throw loc.error('Missing required field Principal', path, obj.start);
  }
  const principal = pNode ? parsePrincipal(pNode, loc, `${path}.Principal`) : undefined;
  const notPrincipal = npNode ? parsePrincipal(npNode, loc, `${path}.NotPrincipal`) : undefined;

  const condNode = get('Condition');
  const conditions = condNode ? parseConditions(condNode, loc, `${path}.Condition`) : [];

  const base = {
    index,
    sid,
    effect: effectNode.value as 'Allow' | 'Deny',
    conditions,
    start: lines.position(obj.start),
    end: lines.position(obj.end),
  };
  return {
    ...base,
    ...(principal ? { principal } : {}),
    ...(notPrincipal ? { notPrincipal } : {}),
    ...(action ? { action } : {}),
    ...(notAction ? { notAction } : {}),
    ...(resource ? { resource } : {}),
    ...(notResource ? { notResource } : {}),
  };
}
