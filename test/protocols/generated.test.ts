import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generate } from '../../scripts/gen-model-types.js';

describe('generated model types', () => {
  it.each(['iam', 'sts'] as const)('src/protocols/generated/%s.ts is what the model generates (run scripts/gen-model-types.ts)', (s) => {
    expect(readFileSync(new URL(`../../src/protocols/generated/${s}.ts`, import.meta.url), 'utf8')).toBe(generate(s));
  });
});
