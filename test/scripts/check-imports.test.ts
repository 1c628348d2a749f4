import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { checkImports, importsOf, KNOWN_CATALOGUE_BYPASSES, KNOWN_VIOLATIONS } from '../../scripts/check-imports.js';

const root = path.resolve(import.meta.dirname, '../..');
const script = path.join(root, 'scripts/check-imports.ts');
const temp: string[] = [];
afterAll(() => {
  for (const d of temp) rmSync(d, { recursive: true, force: true });
});

/** A copy of src/ with `files` written into it. */
function plantedTree(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'tessera-imports-'));
  temp.push(dir);
  cpSync(path.join(root, 'src'), path.join(dir, 'src'), { recursive: true });
  for (const [rel, text] of Object.entries(files)) writeFileSync(path.join(dir, 'src', rel), text);
  return path.join(dir, 'src');
}

/** Runs the script as CI does; returns its exit code and output. */
function run(srcDir?: string): { code: number; out: string } {
  try {
    const out = execFileSync(process.execPath, ['--import', 'tsx', script, ...(srcDir ? [srcDir] : [])], { cwd: root, encoding: 'utf8' });
    return { code: 0, out };
  } catch (e) {
    const x = e as { status: number; stdout: string };
    return { code: x.status, out: x.stdout };
  }
}

describe('scripts/check-imports.ts', () => {
  it('passes on the real tree (only the listed known violations)', () => {
    const r = run();
    expect(r.out).toMatch(/ 0 violation\(s\)/);
    expect(r.code).toBe(0);
  });

  it('fails on a planted back-pointing import (the policy engine importing IAM)', () => {
    const src = plantedTree({ 'policy/planted.ts': "import type { ContextValue } from '../iam/authorize.js';\nexport type X = ContextValue;\n" });
    const r = run(src);
    expect(r.code).toBe(1);
    expect(r.out).toContain('policy/planted.ts → iam/authorize.ts (domain may not import operations');
  });

  it('fails when anything imports the composition root, and reads a multi-line `export … from`', () => {
    const src = plantedTree({ 'store/planted.ts': "export {\n  startTessera,\n} from '../main.js';\n" });
    const r = run(src);
    expect(r.code).toBe(1);
    expect(r.out).toContain('store/planted.ts → main.ts (ports may not import root');
  });

  it('fails on a type cycle between layers made of allowed imports (services.ts ↔ a cache)', () => {
    const src = plantedTree({
      'iam/planted-cache.ts': "import type { Services } from '../services.js';\nexport interface PlantedCache { s?: Services }\n",
      'services.ts': "import type { PlantedCache } from './iam/planted-cache.js';\nexport type P = PlantedCache;\nexport interface Services { p?: P }\n",
    });
    const planted = checkImports(src).violations.filter((v) => v.from === 'iam/planted-cache.ts');
    expect(planted.map((v) => v.to)).toEqual(['services.ts']);
    expect(planted[0]!.rule).toMatch(/^import cycle across layers \(operations ↔ context\)/);
  });

  it('fails on an error made outside the catalogue', () => {
    const src = plantedTree({ 'keys/planted.ts': "import { AwsError } from '../errors/index.js';\nexport const e = () => new AwsError('AccessDenied', 'no', 403);\n" });
    const r = run(src);
    expect(r.code).toBe(1);
    expect(r.out).toContain('keys/planted.ts:2 → new AwsError(…)');
  });

  it('reads static, type-only, side-effect and dynamic imports, and not those in comments', () => {
    const text = [
      "import a from './a.js';",
      "import type { B } from './b.js';",
      "import './c.js';",
      "export * from './d.js';",
      "const e = await import('./e.js');",
      ' * import x from "./in-a-comment.js"',
      "import { readFile } from 'node:fs';",
    ].join('\n');
    expect(importsOf(text).sort()).toEqual(['./a.js', './b.js', './c.js', './d.js', './e.js']);
  });

  it('has no allowlisted violation left: every layer and catalogue rule holds in the tree', () => {
    expect(KNOWN_VIOLATIONS).toEqual([]);
    expect(KNOWN_CATALOGUE_BYPASSES).toEqual([]);
  });
});
