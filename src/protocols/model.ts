import { readFileSync } from 'node:fs';
import { EXTRA_ENUM_VALUES, INPUT_LIMITS, REDACTED_INPUT } from './overrides.js';

/**
 * AWS's Smithy service models (data/aws-models, Apache-2.0) compiled into a shape graph that the
 * protocol layer walks: one `ServiceModel` per service with its operations (input, output,
 * errors) and every shape with its constraints (length, pattern, range, enum, required,
 * default, sensitive) and serialization traits (xmlName, xmlFlattened, timestampFormat).
 * Loaded once per process, on first use.
 */
export type ShapeKind =
  | 'structure'
  | 'union'
  | 'list'
  | 'map'
  | 'string'
  | 'enum'
  | 'integer'
  | 'long'
  | 'short'
  | 'byte'
  | 'float'
  | 'double'
  | 'boolean'
  | 'timestamp'
  | 'blob'
  | 'document';

export interface Constraints {
  /** smithy.api#length: characters for strings, items for lists and maps, bytes for blobs. */
  min?: number;
  max?: number;
  /** smithy.api#range for numbers. */
  rangeMin?: number;
  rangeMax?: number;
  pattern?: RegExp;
  /** The pattern as AWS prints it in validation messages (the model's, without ^…$ anchors). */
  patternText?: string;
  enum?: readonly string[];
  sensitive?: boolean;
}

export interface Member {
  name: string;
  /** The element / parameter name on the wire (xmlName, else the member name). */
  wireName: string;
  target: Shape;
  required: boolean;
  flattened: boolean;
  /** Member-level constraints merged over the target's. */
  constraints: Constraints;
}

export interface Shape {
  id: string;
  name: string;
  kind: ShapeKind;
  constraints: Constraints;
  /** structure / union */
  members: Member[];
  memberByName: Map<string, Member>;
  /** list */
  item?: Member;
  /** map */
  key?: Member;
  value?: Member;
  timestampFormat?: string;
  /** error structures */
  error?: { code: string; status: number; fault: 'client' | 'server' };
}

export interface OperationModel {
  name: string;
  input: Shape | undefined;
  output: Shape | undefined;
  errors: Shape[];
}

export interface ServiceModel {
  name: string;
  version: string;
  xmlNamespace: string | undefined;
  protocol: 'awsQuery' | 'awsJson1_0' | 'awsJson1_1' | 'restJson1';
  operations: Map<string, OperationModel>;
  shapes: Map<string, Shape>;
}

export const MODEL_FILES = {
  iam: 'iam-2010-05-08.json',
  sts: 'sts-2011-06-15.json',
  organizations: 'organizations-2016-11-28.json',
  cloudtrail: 'cloudtrail-2013-11-01.json',
  accessanalyzer: 'accessanalyzer-2019-11-01.json',
} as const;
export type ModelName = keyof typeof MODEL_FILES;

/**
 * Where AWS prints a pattern differently from stripping the model's anchors (its older models
 * carried the anchors as part of the pattern). Keyed by shape id.
 */
const PATTERN_TEXT_OVERRIDES: Record<string, string> = {
  'com.amazonaws.iam#accountAliasType': '^[a-z0-9]([a-z0-9]|-(?!-)){1,61}[a-z0-9]$',
};

interface RawShape {
  type: string;
  members?: Record<string, { target: string; traits?: Record<string, unknown> }>;
  member?: { target: string; traits?: Record<string, unknown> };
  key?: { target: string; traits?: Record<string, unknown> };
  value?: { target: string; traits?: Record<string, unknown> };
  input?: { target: string };
  output?: { target: string };
  errors?: { target: string }[];
  operations?: { target: string }[];
  resources?: { target: string }[];
  version?: string;
  traits?: Record<string, unknown>;
}

const PRELUDE: Record<string, ShapeKind> = {
  'smithy.api#String': 'string',
  'smithy.api#Integer': 'integer',
  'smithy.api#PrimitiveInteger': 'integer',
  'smithy.api#Long': 'long',
  'smithy.api#PrimitiveLong': 'long',
  'smithy.api#Short': 'short',
  'smithy.api#Byte': 'byte',
  'smithy.api#Float': 'float',
  'smithy.api#Double': 'double',
  'smithy.api#Boolean': 'boolean',
  'smithy.api#PrimitiveBoolean': 'boolean',
  'smithy.api#Timestamp': 'timestamp',
  'smithy.api#Blob': 'blob',
  'smithy.api#Document': 'document',
  'smithy.api#Unit': 'structure',
};

function compilePattern(p: string): RegExp {
  try {
    return new RegExp(p, 'u');
  } catch {
    return new RegExp(p);
  }
}

function constraintsOf(id: string | undefined, traits: Record<string, unknown> | undefined): Constraints {
  const c: Constraints = {};
  if (!traits) return c;
  const len = traits['smithy.api#length'] as { min?: number; max?: number } | undefined;
  if (len?.min !== undefined) c.min = len.min;
  if (len?.max !== undefined) c.max = len.max;
  const range = traits['smithy.api#range'] as { min?: number; max?: number } | undefined;
  if (range?.min !== undefined) c.rangeMin = range.min;
  if (range?.max !== undefined) c.rangeMax = range.max;
  const pattern = traits['smithy.api#pattern'] as string | undefined;
  if (pattern !== undefined) {
    c.pattern = compilePattern(pattern);
    c.patternText = (id && PATTERN_TEXT_OVERRIDES[id]) ?? pattern.replace(/^\^/, '').replace(/\$$/, '');
  }
  if ('smithy.api#sensitive' in traits || (id !== undefined && REDACTED_INPUT[id] !== undefined)) c.sensitive = true;
  return c;
}

const localName = (id: string) => id.slice(id.indexOf('#') + 1);

export function compileModel(raw: { shapes: Record<string, RawShape> }): ServiceModel {
  const rawShapes = raw.shapes;
  const shapes = new Map<string, Shape>();
  const shell = (id: string, kind: ShapeKind, traits?: Record<string, unknown>): Shape => ({
    id,
    name: localName(id),
    kind,
    constraints: constraintsOf(id, traits),
    members: [],
    memberByName: new Map(),
  });
  for (const [id, s] of Object.entries(rawShapes)) {
    if (s.type === 'operation' || s.type === 'service' || s.type === 'resource') continue;
    const sh = shell(id, s.type as ShapeKind, s.traits);
    if (s.type === 'enum') {
      const values = Object.entries(s.members ?? {}).map(([n, ref]) => {
        const v = ref.traits?.['smithy.api#enumValue'];
        return typeof v === 'string' ? v : n;
      });
      sh.constraints = { ...sh.constraints, enum: values };
    }
    const legacyEnum = s.traits?.['smithy.api#enum'] as { value: string }[] | undefined;
    if (legacyEnum) sh.constraints = { ...sh.constraints, enum: legacyEnum.map((e) => e.value) };
    const extra = EXTRA_ENUM_VALUES[id];
    if (extra && sh.constraints.enum) sh.constraints = { ...sh.constraints, enum: [...sh.constraints.enum, ...extra.values] };
    const fmt = s.traits?.['smithy.api#timestampFormat'];
    if (typeof fmt === 'string') sh.timestampFormat = fmt;
    const err = s.traits?.['smithy.api#error'];
    if (typeof err === 'string') {
      const q = s.traits?.['aws.protocols#awsQueryError'] as { code?: string; httpResponseCode?: number } | undefined;
      const http = s.traits?.['smithy.api#httpError'];
      sh.error = {
        code: q?.code ?? localName(id).replace(/Exception$/, ''),
        status: q?.httpResponseCode ?? (typeof http === 'number' ? http : err === 'client' ? 400 : 500),
        fault: err === 'server' ? 'server' : 'client',
      };
    }
    shapes.set(id, sh);
  }
  const resolve = (target: string): Shape => {
    const found = shapes.get(target);
    if (found) return found;
    const kind = PRELUDE[target];
    if (!kind) throw new Error(`unknown shape ${target}`);
    const sh = shell(target, kind);
    shapes.set(target, sh);
    return sh;
  };
  const member = (name: string, ref: { target: string; traits?: Record<string, unknown> }, owner?: string): Member => {
    const t = ref.traits ?? {};
    const target = resolve(ref.target);
    const own = constraintsOf(undefined, t);
    const limit = owner === undefined ? undefined : INPUT_LIMITS[`${owner}$${name}`];
    if (limit) own.max = limit.max;
    return {
      name,
      wireName: typeof t['smithy.api#xmlName'] === 'string' ? (t['smithy.api#xmlName'] as string) : name,
      target,
      required: 'smithy.api#required' in t,
      flattened: 'smithy.api#xmlFlattened' in t,
      constraints: { ...target.constraints, ...own },
    };
  };
  // Constraints of every shape are final here, so members can copy their target's.
  for (const [id, s] of Object.entries(rawShapes)) {
    const sh = shapes.get(id);
    if (!sh) continue;
    if (s.type === 'structure' || s.type === 'union') {
      for (const [name, ref] of Object.entries(s.members ?? {})) {
        const m = member(name, ref, id);
        sh.members.push(m);
        sh.memberByName.set(name, m);
      }
    } else if (s.type === 'list' || s.type === 'set') {
      sh.kind = 'list';
      sh.item = member('member', s.member!);
    } else if (s.type === 'map') {
      sh.key = member('key', s.key!);
      sh.value = member('value', s.value!);
    }
  }
  const service = Object.entries(rawShapes).find(([, s]) => s.type === 'service');
  if (!service) throw new Error('model has no service shape');
  const [serviceId, svc] = service;
  const t = svc.traits ?? {};
  const protocol = 'aws.protocols#awsQuery' in t ? 'awsQuery' : 'aws.protocols#awsJson1_1' in t ? 'awsJson1_1' : 'aws.protocols#awsJson1_0' in t ? 'awsJson1_0' : 'restJson1';
  const operations = new Map<string, OperationModel>();
  const addOperation = (opId: string) => {
    const op = rawShapes[opId];
    if (!op || op.type !== 'operation') return;
    const io = (ref: { target: string } | undefined) => (ref && ref.target !== 'smithy.api#Unit' ? resolve(ref.target) : undefined);
    operations.set(localName(opId), { name: localName(opId), input: io(op.input), output: io(op.output), errors: (op.errors ?? []).map((e) => resolve(e.target)) });
  };
  const visitResource = (resId: string) => {
    const r = rawShapes[resId];
    if (!r) return;
    for (const key of ['create', 'put', 'read', 'update', 'delete', 'list'] as const) {
      const ref = (r as unknown as Record<string, { target: string } | undefined>)[key];
      if (ref) addOperation(ref.target);
    }
    for (const o of r.operations ?? []) addOperation(o.target);
    for (const sub of r.resources ?? []) visitResource(sub.target);
  };
  for (const o of svc.operations ?? []) addOperation(o.target);
  for (const r of svc.resources ?? []) visitResource(r.target);
  const ns = t['smithy.api#xmlNamespace'] as { uri?: string } | undefined;
  return {
    name: localName(serviceId),
    version: svc.version ?? '',
    xmlNamespace: ns?.uri,
    protocol,
    operations,
    shapes,
  };
}

const loaded = new Map<ModelName, ServiceModel>();

/** The compiled model of one service (read from data/aws-models once per process). */
export function serviceModel(name: ModelName): ServiceModel {
  let m = loaded.get(name);
  if (!m) {
    const file = new URL(`../../data/aws-models/${MODEL_FILES[name]}`, import.meta.url);
    const raw = JSON.parse(readFileSync(file, 'utf8')) as { shapes: Record<string, RawShape> };
    mergeExtensions(raw, name);
    m = compileModel(raw);
    loaded.set(name, m);
  }
  return m;
}

/**
 * Tessera's own shapes in AWS's format (data/tessera-models/<service>-extensions.json): the
 * operations Tessera serves that AWS's snapshot does not describe (its extensions, and actions
 * AWS added after the snapshot). Their operations join the service's operation list, so they go
 * through the same parsing, validation and serialization as AWS's own.
 */
function mergeExtensions(raw: { shapes: Record<string, RawShape> }, name: ModelName): void {
  let ext: { shapes: Record<string, RawShape> };
  try {
    ext = JSON.parse(readFileSync(new URL(`../../data/tessera-models/${name}-extensions.json`, import.meta.url), 'utf8')) as typeof ext;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
  const service = Object.values(raw.shapes).find((s) => s.type === 'service');
  if (!service) throw new Error('model has no service shape');
  for (const [id, s] of Object.entries(ext.shapes)) {
    if (id in raw.shapes) throw new Error(`extension shape ${id} is already in AWS's model`);
    raw.shapes[id] = s;
    if (s.type === 'operation') (service.operations ??= []).push({ target: id });
  }
}
