/**
 * Import-direction check (issue 10, item 5): the import graph of src/ must follow the data flow
 *
 *   root (composition) → http (protocol adapters) → operations → domain → ports
 *
 * with `shared` modules usable from everywhere. Run: `node --import tsx scripts/check-imports.ts
 * [srcDir]`; prints each violation as `file → import (rule)` and exits 1 when there is one
 * that is not in KNOWN_VIOLATIONS below. Every import counts, `import type` included (a type
 * cycle is still a cycle) and dynamic `import('…')` too.
 */
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import path from 'node:path';

type Layer = 'root' | 'http' | 'context' | 'operations' | 'domain' | 'ports' | 'shared' | 'client';

/**
 * THE RULES. A file belongs to the layer of the longest prefix its path (relative to src/)
 * starts with; a file in no layer is an error (add it to the table). `may` lists what a layer may
 * import; a layer not listed is forbidden. Nothing but `root` may import `root`.
 */
const LAYERS: readonly { layer: Layer; prefixes: readonly string[]; may: readonly Layer[]; why: string }[] = [
  {
    layer: 'root',
    // main.ts: process, listen, drain; cli.ts: commands; compose.ts: builds Services; app.ts:
    // routes. iam/gitops/cli.ts is the `tessera apply` command: it opens the database and builds
    // services, which is composition (it should move to src/commands/ with the other commands).
    prefixes: ['main.ts', 'cli.ts', 'compose.ts', 'app.ts', 'iam/gitops/cli.ts'],
    may: ['root', 'http', 'context', 'operations', 'domain', 'ports', 'shared', 'client'],
    why: 'composition root: may import anything; only it may import itself',
  },
  {
    layer: 'http',
    // console/: the console is a protocol adapter (HTML forms → operations through
    // protocols/invoke.ts), its pages rendered by web/console/.
    prefixes: ['http/', 'web/', 'console/'],
    may: ['http', 'context', 'operations', 'domain', 'ports', 'shared'],
    why: 'protocol adapters call operations',
  },
  {
    layer: 'context',
    // The Services bag and the operation contract (OpContext, Operation) that operations
    // receive: it names the types of what the root builds.
    prefixes: ['services.ts', 'protocols/operation.ts'],
    may: ['context', 'operations', 'domain', 'ports', 'shared'],
    why: 'the services contract: seen by adapters and operations, never by domain or ports',
  },
  {
    layer: 'operations',
    // workers/: runs CPU-heavy parts of operations (simulation, SAML verification) off the loop.
    // protocols/invoke.ts: the executor every adapter runs an operation through (credential
    // scope, validation, authorization of missing entities, audit, metrics).
    prefixes: ['sts/', 'iam/', 'sso/', 'orgs/', 'analyzer/', 'workers/', 'protocols/invoke.ts'],
    may: ['context', 'operations', 'domain', 'ports', 'shared'],
    why: 'operations use domain and ports, never adapters or the root',
  },
  {
    layer: 'domain',
    prefixes: ['policy/', 'trust/', 'tokens/', 'mfa/'],
    may: ['domain', 'ports', 'shared'],
    why: 'pure domain: no operation, adapter or services bag',
  },
  {
    layer: 'ports',
    prefixes: ['store/', 'cache/', 'federation/', 'keys/', 'audit/', 'security/', 'throttle/'],
    may: ['ports', 'shared'],
    why: 'ports (storage, cache, upstream IdPs, keys) know nothing above them',
  },
  {
    layer: 'client',
    // `tessera login | credentials | logout`: a separate program run by people and by the AWS
    // CLI (credential_process): node builtins only, nothing of the server, so it starts fast.
    prefixes: ['client/'],
    may: ['client'],
    why: 'the people CLI talks to Tessera over HTTP only; it loads no server module',
  },
  {
    layer: 'shared',
    prefixes: ['protocols/', 'errors/', 'config/', 'log.ts', 'metrics.ts'],
    may: ['shared'],
    why: 'usable from every layer, so it imports only its own kind',
  },
];

/**
 * Allowlists, empty: every layer rule and the catalogue rule hold in the whole tree. (They were
 * used while issue 10 moved the code into its layers; an entry that no longer occurs is reported,
 * so a list can only shrink.) Keep them empty: fix the import instead.
 */
export const KNOWN_VIOLATIONS: readonly string[] = [];
export const KNOWN_CATALOGUE_BYPASSES: readonly string[] = [];

export interface Violation {
  from: string;
  to: string;
  rule: string;
}

const IMPORT_RE = /^[ \t]*(?:import|export)\s+(?:type\s+)?[\w*\s{},$]*?\s*from\s*['"]([^'"]+)['"]/gm;
const SIDE_EFFECT_RE = /^[ \t]*import\s*['"]([^'"]+)['"]/gm;
const DYNAMIC_RE = /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;

/** The relative specifiers a file imports (statically, and `import('…')` with a literal). */
export function importsOf(source: string): string[] {
  const out = new Set<string>();
  for (const re of [IMPORT_RE, SIDE_EFFECT_RE, DYNAMIC_RE]) {
    for (const m of source.matchAll(re)) if (m[1]!.startsWith('.')) out.add(m[1]!);
  }
  return [...out];
}

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) out.push(...walk(p));
    else if (/\.(ts|mts|js|mjs)$/.test(name) && !name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

/** `./x.js` from `a/b.ts` → `a/x.ts` (the .ts beside a .js specifier, or a folder's index.ts). */
function resolve(srcDir: string, fromFile: string, spec: string): string | undefined {
  const abs = path.resolve(path.dirname(fromFile), spec);
  const candidates = [abs, abs.replace(/\.js$/, '.ts'), abs.replace(/\.mjs$/, '.mts'), `${abs}.ts`, path.join(abs, 'index.ts')];
  for (const c of candidates) if (existsSync(c) && statSync(c).isFile()) return path.relative(srcDir, c).split(path.sep).join('/');
  return undefined;
}

/** The layer of the longest prefix that matches (a file named exactly beats its folder). */
function layerOf(rel: string): (typeof LAYERS)[number] | undefined {
  let best: (typeof LAYERS)[number] | undefined;
  let bestLength = -1;
  for (const l of LAYERS) {
    for (const p of l.prefixes) {
      if ((rel === p || (p.endsWith('/') && rel.startsWith(p))) && p.length > bestLength) {
        best = l;
        bestLength = p.length;
      }
    }
  }
  return best;
}

export function checkImports(srcDir: string): { violations: Violation[]; files: number; edges: number } {
  const violations: Violation[] = [];
  const files = walk(srcDir);
  const graph = new Map<string, string[]>();
  let edges = 0;
  for (const file of files) {
    const rel = path.relative(srcDir, file).split(path.sep).join('/');
    const from = layerOf(rel);
    if (!from) {
      violations.push({ from: rel, to: '(none)', rule: 'file is in no layer: add its folder to LAYERS' });
      continue;
    }
    for (const spec of importsOf(readFileSync(file, 'utf8'))) {
      const target = resolve(srcDir, file, spec);
      if (!target) continue; // outside src/ (data files) or not a module
      edges++;
      graph.set(rel, [...(graph.get(rel) ?? []), target]);
      const to = layerOf(target);
      if (!to) continue; // reported as its own file
      if (!from.may.includes(to.layer)) {
        violations.push({ from: rel, to: target, rule: `${from.layer} may not import ${to.layer}: ${from.why}` });
      }
    }
  }
  violations.push(...crossLayerCycles(graph));
  violations.push(...catalogueBypasses(srcDir, files));
  return { violations, files: files.length, edges };
}

/**
 * Import cycles whose files are in different layers, made only of imports the table allows
 * (e.g. services.ts naming a cache's type while the cache imports a type back from
 * services.ts): a cycle means neither side can be understood, built or tested without the
 * other. Reported on the cycle's edges that point up (from a lower layer to a higher one): cut
 * one, usually by moving the shared type to a neutral module. A cycle that contains a
 * layer violation is left to that violation's report (fixing it breaks the cycle).
 */
function crossLayerCycles(graph: Map<string, string[]>): Violation[] {
  // Higher = nearer the root (LAYERS is listed top-down).
  const rank = (f: string) => LAYERS.length - LAYERS.indexOf(layerOf(f)!);
  // Tarjan's strongly connected components.
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const sccs: string[][] = [];
  const visit = (v: string) => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const c: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        c.push(w);
      } while (w !== v);
      if (c.length > 1) sccs.push(c);
    }
  };
  for (const v of [...graph.keys()].sort()) if (!idx.has(v)) visit(v);
  const out: Violation[] = [];
  for (const c of sccs) {
    const members = new Set(c);
    if (new Set(c.map((f) => layerOf(f)?.layer)).size < 2) continue;
    const inside = (from: string) => (graph.get(from) ?? []).filter((to) => members.has(to));
    const violates = (from: string, to: string) => !layerOf(from)!.may.includes(layerOf(to)!.layer);
    if (c.some((from) => inside(from).some((to) => violates(from, to)))) continue;
    for (const from of [...c].sort()) {
      for (const to of graph.get(from) ?? []) {
        if (members.has(to) && rank(from) < rank(to)) {
          out.push({ from, to, rule: `import cycle across layers (${layerOf(from)!.layer} ↔ ${layerOf(to)!.layer}) through ${c.length} files: cut this edge` });
        }
      }
    }
  }
  return out;
}

/** `new AwsError(` outside src/errors/: every error is made through the `Errors` catalogue. */
function catalogueBypasses(srcDir: string, files: string[]): Violation[] {
  const out: Violation[] = [];
  for (const file of files) {
    const rel = path.relative(srcDir, file).split(path.sep).join('/');
    if (rel.startsWith('errors/')) continue;
    const lines = readFileSync(file, 'utf8').split('\n');
    lines.forEach((line, i) => {
      if (/\bnew AwsError\(/.test(line) && !/^\s*(\*|\/\/)/.test(line)) {
        out.push({ from: `${rel}:${i + 1}`, to: 'new AwsError(…)', rule: 'errors are made through the Errors catalogue (src/errors/index.ts)' });
      }
    });
  }
  return out;
}

const key = (v: Violation) => (v.to === 'new AwsError(…)' ? v.from.replace(/:\d+$/, '') : `${v.from} → ${v.to}`);

function main(): number {
  const srcDir = path.resolve(process.argv[2] ?? path.join(import.meta.dirname, '..', 'src'));
  const known = new Set(process.env.CHECK_IMPORTS_NO_ALLOWLIST ? [] : [...KNOWN_VIOLATIONS, ...KNOWN_CATALOGUE_BYPASSES]);
  const { violations, files, edges } = checkImports(srcDir);
  const fresh = violations.filter((v) => !known.has(key(v)));
  const seen = new Set(violations.map(key));
  const stale = [...known].filter((k) => !seen.has(k));
  for (const v of fresh) process.stdout.write(`${v.from} → ${v.to} (${v.rule})\n`);
  for (const k of stale) process.stdout.write(`${k} (listed in KNOWN_VIOLATIONS but no longer imported: remove it from the list)\n`);
  const allowed = violations.length - fresh.length;
  process.stdout.write(
    `check-imports: ${files} files, ${edges} imports, ${fresh.length} violation(s)` + (allowed ? `, ${allowed} known (KNOWN_VIOLATIONS)` : '') + '\n',
  );
  return fresh.length + stale.length > 0 ? 1 : 0;
}

if (import.meta.filename === path.resolve(process.argv[1] ?? '')) process.exitCode = main();
