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

type Layer = 'root' | 'http' | 'context' | 'operations' | 'domain' | 'ports' | 'shared';

/**
 * THE RULES. A file belongs to the first layer whose prefix its path (relative to src/) starts
 * with; a file in no layer is an error (add it to the table). `may` lists what a layer may
 * import; a layer not listed is forbidden. Nothing but `root` may import `root`.
 */
const LAYERS: readonly { layer: Layer; prefixes: readonly string[]; may: readonly Layer[]; why: string }[] = [
  {
    layer: 'root',
    // main.ts: process, listen, drain; cli.ts: commands; compose.ts: builds Services; app.ts:
    // routes. iam/gitops/cli.ts is the `tessera apply` command: it opens the database and builds
    // services, which is composition (it should move to src/commands/ with the other commands).
    prefixes: ['main.ts', 'cli.ts', 'compose.ts', 'app.ts', 'iam/gitops/cli.ts'],
    may: ['root', 'http', 'context', 'operations', 'domain', 'ports', 'shared'],
    why: 'composition root: may import anything; only it may import itself',
  },
  {
    layer: 'http',
    prefixes: ['http/', 'awsquery/'],
    may: ['http', 'context', 'operations', 'domain', 'ports', 'shared'],
    why: 'protocol adapters call operations',
  },
  {
    layer: 'context',
    // The Services bag operations receive. It names the types of what the root builds.
    prefixes: ['services.ts'],
    may: ['operations', 'domain', 'ports', 'shared'],
    why: 'the services contract: seen by adapters and operations, never by domain or ports',
  },
  {
    layer: 'operations',
    prefixes: ['sts/', 'iam/', 'sso/', 'orgs/', 'analyzer/', 'console/'],
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
    prefixes: ['store/', 'cache/', 'federation/', 'keys/', 'audit/', 'security/', 'throttle/', 'workers/'],
    may: ['ports', 'shared'],
    why: 'ports (storage, cache, upstream IdPs, keys) know nothing above them',
  },
  {
    layer: 'shared',
    prefixes: ['protocols/', 'errors/', 'config/', 'log.ts'],
    may: ['shared'],
    why: 'usable from every layer, so it imports only its own kind',
  },
];

/**
 * TEMPORARY: the violations in today's tree, each being fixed in its own branch (issue 10).
 * Listed exactly (`from → to`, paths relative to src/); the lead empties this at merge time.
 * A listed violation that no longer occurs is reported too, so the list only shrinks.
 */
export const KNOWN_VIOLATIONS: readonly string[] = [
];

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

const layerOf = (rel: string) => LAYERS.find((l) => l.prefixes.some((p) => rel === p || (p.endsWith('/') && rel.startsWith(p))));

export function checkImports(srcDir: string): { violations: Violation[]; files: number; edges: number } {
  const violations: Violation[] = [];
  const files = walk(srcDir);
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
      const to = layerOf(target);
      if (!to) continue; // reported as its own file
      if (!from.may.includes(to.layer)) {
        violations.push({ from: rel, to: target, rule: `${from.layer} may not import ${to.layer}: ${from.why}` });
      }
    }
  }
  return { violations, files: files.length, edges };
}

const key = (v: Violation) => `${v.from} → ${v.to}`;

function main(): number {
  const srcDir = path.resolve(process.argv[2] ?? path.join(import.meta.dirname, '..', 'src'));
  const known = new Set(process.env.CHECK_IMPORTS_NO_ALLOWLIST ? [] : KNOWN_VIOLATIONS);
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
