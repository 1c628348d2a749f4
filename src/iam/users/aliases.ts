import type { Input } from '../../awsquery/input.js';

export const ALIAS_PATTERN = /^[a-z0-9]([a-z0-9]|-(?!-)){1,61}[a-z0-9]$/;
export const readAlias = (p: Input) =>
  p.string('AccountAlias', { required: true, min: 3, max: 63, pattern: ALIAS_PATTERN, patternText: '^[a-z0-9]([a-z0-9]|-(?!-)){1,61}[a-z0-9]$' })!;
